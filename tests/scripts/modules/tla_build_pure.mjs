const squares = [];
for (let i = 0; i < 100; i++) squares.push(i * i);
export const table = await Promise.resolve(squares);
export const sum = table.reduce((a, b) => a + b, 0);
console.log("pure: sum", sum);
