console.log("fails: evaluating");
await null;
throw new RangeError("failed after an await");
