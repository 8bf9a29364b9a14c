console.log("greet plugin evaluated");
export default (who) => `hello from ${who}`;
