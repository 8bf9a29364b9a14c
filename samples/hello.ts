// The smallest kiln program: typed, and run exactly as node would run the JS.
const greet = (name: string): string => `Hello, ${name}!`;
console.log(greet("kiln"));
