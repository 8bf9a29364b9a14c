// An async function that throws a plain value: its promise is rejected with
// it. Objects whose toString is Object.prototype's are named by their
// constructor (V8's side-effect-free conversion): "#<HttpStatus>".
class HttpStatus {
  constructor(code) {
    this.code = code;
  }
}

async function fetchPage(url) {
  await null;
  console.log(`fetching ${url}`);
  throw new HttpStatus(404);
}

fetchPage("/missing");
