console.log("dynamic_throws: evaluating");
throw new Error("module initialization failed");
