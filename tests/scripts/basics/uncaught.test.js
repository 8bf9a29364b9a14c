// An uncaught exception prints the source line, a caret, `Name: message`
// and the stack, then exits with status 1. Output before it stays.
class Config {
  constructor(text) {
    this.text = text;
  }
  parse() {
    return parseValue(this.text);
  }
}

function parseValue(text) {
  if (!text.startsWith("{")) {
    throw new TypeError(`expected an object, got "${text}"`);
  }
  return {};
}

console.log("loading");
const config = new Config("oops");
config.parse();
console.log("not reached");
