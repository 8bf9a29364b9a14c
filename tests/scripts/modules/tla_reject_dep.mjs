console.log("dep: loading config");
setTimeout(() => console.log("never: a timer after the failure"), 50);
const text = await Promise.resolve("{ broken");
if (!text.endsWith("}")) throw new TypeError("config file is malformed");
export const config = text;
console.log("never: dep after the check");
