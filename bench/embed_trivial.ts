// The smallest handler there is, for bench/embed.sh: what kiln_reset plus
// kiln_execute cost when the handler itself costs nothing.
export function ping(): number {
  return 1;
}
