// Number formatting: shortest round-trip digits, exponents, radix, fixed.
console.log(0.1 + 0.2, 1 / 3, 2 / 3, 100, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE);
console.log(-0, [-0], String(-0), `${-0}`, 0 * -1, Object.is(-0 + 0, 0));
console.log(NaN, Infinity, -Infinity, 1 / 0, -1 / 0, 0 / 0);
console.log(2 ** 53, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, Number.EPSILON, 2 ** -1074);
console.log(1e20, 1e21, 1.5e-6, 1.5e-7, 0.000001, 123e-20, 1.7976931348623157e308 * 10);
console.log((255).toString(16), (255).toString(2), (-255).toString(36), (0.5).toString(2), (3.75).toString(16));
console.log((1.005).toFixed(2), (1234.5678).toFixed(1), (0).toFixed(2), (1e21).toFixed(2), (-1.5).toFixed(0));
console.log((123.456).toPrecision(4), (0.00001234).toPrecision(2), (1e21).toPrecision(3), (5).toPrecision(3));
console.log((123456).toExponential(2), (0.00015).toExponential(), (1).toExponential(3));
console.log(parseInt("ff", 16), parseInt("0x10"), parseInt("08"), parseInt("z", 36), Number.parseFloat("3.14abc"));
console.log(7 % 3, -7 % 3, 7 % -3, 5.5 % 2, 2 ** 10, (-8) ** (1 / 3), Math.round(-0.5), Math.round(2.5));
console.log(Math.max(), Math.min(), Math.hypot(3, 4), Math.trunc(-4.7), Math.sign(-3), Math.cbrt(27), Math.clz32(1));
console.log(1 | 0, 2 ** 32 | 0, 2 ** 31 | 0, -1 >>> 0, -1 >>> 28, 1 << 31, 5 & 3, 5 ^ 3, ~5);
console.log(0.1 * 3, 9007199254740993, 4.35 * 100, 1.1 + 2.2, 3 * 1.1);
console.log(Number.isInteger(5.0), Number.isSafeInteger(2 ** 53), isNaN("x"), Number.isNaN("x"), isFinite("12"));
console.log(123n * 456n, 2n ** 64n, -7n / 2n, -7n % 2n, BigInt("0x1f"), BigInt.asUintN(8, 257n), typeof 1n);
console.log([1, 10, 2, 21].sort(), [1, 10, 2, 21].sort((a, b) => a - b), [0.5, -0, 0].map(String));
console.log((1234567.891).toLocaleString === undefined, Number("1_000"), 1_000_000, 0b1010, 0o17, 0xff);
