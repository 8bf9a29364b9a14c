export const settings = JSON.parse('{"name":"kiln","depth":2}', (key, value) => {
  console.log("revive", key === "" ? "(root)" : key);
  return typeof value === "number" ? value * 10 : value;
});
