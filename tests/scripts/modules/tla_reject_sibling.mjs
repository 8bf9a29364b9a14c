console.log("sibling runs");
process.on("exit", (code) => console.log("exit code", code));
