export let evaluations = 0;
evaluations++;
export const table = Array.from({ length: 50 }, (_, i) => i * 3);
export const total = table.reduce((a, b) => a + b, 0);
