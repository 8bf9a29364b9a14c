import greet from "./greet.mjs";
export default (who) => greet(who).toUpperCase() + "!";
