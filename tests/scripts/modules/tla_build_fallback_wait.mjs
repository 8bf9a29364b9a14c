export const waited = await Promise.resolve("waited").then((v) => v + "!");
