// process.argv, process.exitCode and output on both streams.
const args = process.argv.slice(2);
console.log(args.length, args);
console.log(process.argv.length === args.length + 2, typeof process.argv[0]);
console.error("to stderr:", args[0]);
const sum = args.map(Number).filter((n) => !Number.isNaN(n)).reduce((a, b) => a + b, 0);
console.log("sum", sum);
process.exitCode = 3;
console.log("exiting with", process.exitCode);
