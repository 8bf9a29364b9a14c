console.log("lazy: evaluating");
export const value = await new Promise((r) => setTimeout(() => r(42), 1));
export default function describe() {
  return "lazy default";
}
console.log("lazy: done");
