// TypeScript erasure: each case compares the tree of the TypeScript source
// with the tree of the JavaScript tsc emits for it (module, ES2022 target).
#include <boost/test/unit_test.hpp>

#include "ast_dump.h"

using kiln::test::parseDump;
using kiln::test::parseError;

namespace {

std::string ts(const std::string& code) { return parseDump(code, true, true); }
std::string js(const std::string& code) { return parseDump(code, false, true); }

void same(const std::string& tsCode, const std::string& jsCode) {
  std::string a = ts(tsCode), b = js(jsCode);
  BOOST_TEST(a == b, "TS: " << tsCode << "\n  got      " << a << "\n  expected " << b);
}

std::string tsError(const std::string& code) { return parseError(code, true, true).message; }

}  // namespace

BOOST_AUTO_TEST_SUITE(typescript)

BOOST_AUTO_TEST_CASE(annotations) {
  same("let x: number = 1, y: Array<Map<string, number>> = [];", "let x = 1, y = [];");
  same("function f(a: string, b?: number, ...c: boolean[]): void {}", "function f(a, b, ...c) {}");
  same("const g = (a: number, b: string = 'x'): number => a;", "const g = (a, b = 'x') => a;");
  same("const h = async <T,>(x: T): Promise<T> => x;", "const h = async (x) => x;");
  same("const k = <T>(x: T) => x;", "const k = (x) => x;");
  same("let d!: number; let o: { a: string; b?: () => void; [k: string]: unknown };", "let d; let o;");
  same("function t(this: Window, a: number) { return this; }", "function t(a) { return this; }");
  same("let u: unique symbol; let k2: keyof typeof obj; let c: T extends (infer U)[] ? U : never;",
       "let u; let k2; let c;");
  same("let m: { readonly [K in keyof T]?: T[K] }; let s: `a-${string}`; let tu: [a: number, b?: string, ...r: T[]];",
       "let m; let s; let tu;");
  same("function p(x: unknown): x is string { return true; } function q(x: unknown): asserts x is T {}",
       "function p(x) { return true; } function q(x) {}");
  same("let fn: (a: number) => void = null, ctor: new () => object, f2: <T>(x: T) => T;",
       "let fn = null, ctor, f2;");
  same("let cond = a ? (b) : c; let arrow = a ? (b): c => d : e;", "let cond = a ? b : c; let arrow = a ? (b) => d : e;");
  same("for (const [k, v] of Object.entries(o) as [string, number][]) {}", "for (const [k, v] of Object.entries(o)) {}");
}

BOOST_AUTO_TEST_CASE(expressions) {
  same("let v = x as unknown as string; let s = y satisfies object; let c = z as const;",
       "let v = x; let s = y; let c = z;");
  same("let n = a!.b!.c!; let t = <string>u;", "let n = a.b.c; let t = u;");
  same("f<string>(x); new Map<string, number[]>(); g<T>`tpl`; const h = f<number>;",
       "f(x); new Map(); g`tpl`; const h = f;");
  same("a < b; a < b && c > d; a >> 2; x = a < b ? c : d;", "a < b; a < b && c > d; a >> 2; x = a < b ? c : d;");
  // As in tsc, `a < b, c > (d)` inside arguments is a call with type arguments.
  same("let big = f(a < b, c > (d));", "let big = f(a(d));");
}

BOOST_AUTO_TEST_CASE(type_only_declarations_vanish) {
  same("interface I<T> extends A, B<T> { x: T; m(): void; new (x: number): I<T>; (y: string): boolean; }", "");
  same("type A<T = number> = T | undefined; type F = (a: number) => void;", "");
  same("declare const x: number; declare function f(): void; declare class C { m(): void; }", "");
  same("declare module 'm' { export const y: number; } declare global { interface W { q: number } }", "");
  same("declare namespace N { const z: number; } declare enum E { A }", "");
  same("function over(a: string): string; function over(a: number): number; function over(a: any) { return a; }",
       "; ; function over(a) { return a; }");
}

BOOST_AUTO_TEST_CASE(imports_and_exports) {
  same("import type { A } from './a'; import type B from './b'; export type { A }; export type C = number;", "");
  same("import { type A, b } from './m'; b();", "import { b } from './m'; b();");
  same("import { used, onlyType } from './m'; let x: onlyType = used;", "import { used } from './m'; let x = used;");
  same("import def from './m'; let x: def;", "let x;");
  same("import './side-effect';", "import './side-effect';");
  same("export interface I {} export declare const d: number; export default interface J {}", "");
  same("export abstract class A {}", "export class A {}");
  same("import { v } from './m'; export { v };", "import { v } from './m'; export { v };");
}

BOOST_AUTO_TEST_CASE(classes) {
  same("abstract class A<T> implements I, J<T> { private readonly x: number = 1; protected abstract m(): void; "
       "declare d: string; static s?: number; e!: string; [key: string]: any; public n<U>(a: U): U { return a; } "
       "get g(): number { return 1; } o?(): void; }",
       "class A { x = 1; static s; e; n(a) { return a; } get g() { return 1; } }");
  same("class B extends A<string> { override m(): void {} }", "class B extends A { m() {} }");
  same("class P { constructor(private x: number, public readonly y: string, z: boolean) { f(); } }",
       "class P { x; y; constructor(x, y, z) { this.x = x; this.y = y; f(); } }");
  same("class D extends B { constructor(public a: number) { before(); super(); after(); } }",
       "class D extends B { a; constructor(a) { before(); super(); this.a = a; after(); } }");
  same("class O { m(a: number): void; m(a: any) {} }", "class O { m(a) {} }");
}

BOOST_AUTO_TEST_CASE(enums) {
  same("enum Color { Red, Green = 5, Blue, Str = 'x' }",
       "var Color; (function (Color) { Color[Color['Red'] = 0] = 'Red'; Color[Color['Green'] = 5] = 'Green';"
       " Color[Color['Blue'] = 6] = 'Blue'; Color['Str'] = 'x'; })(Color || (Color = {}));");
  same("const enum F { A = 1 << 2, B = A | 1, C, D = F.A * 2 }",
       "var F; (function (F) { F[F['A'] = 4] = 'A'; F[F['B'] = 5] = 'B'; F[F['C'] = 6] = 'C';"
       " F[F['D'] = 8] = 'D'; })(F || (F = {}));");
  same("enum G { A = f() }", "var G; (function (G) { G[G['A'] = f()] = 'A'; })(G || (G = {}));");
  same("export enum H { A }",
       "export var H; (function (H) { H[H['A'] = 0] = 'A'; })(H || (H = {}));");
  BOOST_TEST(tsError("enum G { A = f(), B }") == "Enum member must have initializer.");
}

BOOST_AUTO_TEST_CASE(namespaces) {
  same("namespace N { export const x = 1; export function f() { return x; } const hidden = 2; }",
       "var N; (function (N) { const x = 1; N.x = x; function f() { return x; } N.f = f; const hidden = 2; })"
       "(N || (N = {}));");
  same("namespace A.B { export let y = 2; }",
       "var A; (function (A) { var B; (function (B) { let y = 2; B.y = y; })(B || (B = {})); A.B = B; })"
       "(A || (A = {}));");
  same("export namespace E { export class C {} }",
       "export var E; (function (E) { class C {} E.C = C; })(E || (E = {}));");
  same("namespace M { export enum K { A } }",
       "var M; (function (M) { var K; (function (K) { K[K['A'] = 0] = 'A'; })(K || (K = {})); M.K = K; })"
       "(M || (M = {}));");
}

BOOST_AUTO_TEST_CASE(unsupported_constructs_are_named) {
  BOOST_TEST(tsError("import fs = require('fs');") == "TypeScript 'import x = require()' is not supported by kiln");
  BOOST_TEST(tsError("export = x;") == "TypeScript 'export =' is not supported by kiln");
  BOOST_TEST(tsError("@dec class A {}") == "TypeScript 'decorators' is not supported by kiln");
  BOOST_TEST(tsError("class A { @dec m() {} }") == "TypeScript 'decorators' is not supported by kiln");
}

BOOST_AUTO_TEST_CASE(contextual_words_stay_identifiers) {
  same("let type = 1, declare = 2, namespace = 3, abstract = 4; type = 5; declare\nx; namespace\ny;",
       "let type = 1, declare = 2, namespace = 3, abstract = 4; type = 5; declare; x; namespace; y;");
  same("let interface_ = 1; var as = 2; as as any;", "let interface_ = 1; var as = 2; as;");
}

BOOST_AUTO_TEST_SUITE_END()
