let v = 1;
for (let i = 0; i < 3; i++) v = await Promise.resolve(v * 10);
export const value = v;
