export const table = new Map<string, number>([["a", 1], ["b", 2]]);
export let loads = 0;
loads++;
