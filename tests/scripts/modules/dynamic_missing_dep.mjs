import "./dynamic_not_there.mjs";
console.log("never: the dependency is missing");
