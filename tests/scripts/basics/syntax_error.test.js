// A syntax error is reported before anything runs: nothing is printed.
console.log("never printed");
function broken() {
  let total = ;
  return total;
}
