export const calls: string[] = [];
export function log(message: string): void {
  calls.push(message);
  console.log(`[log] ${message}`);
}
export default "logger";
