// TypeScript: types are erased; enums, parameter properties and the
// other constructs with run-time meaning behave as tsc compiles them.
interface Shape {
  readonly kind: string;
  area(): number;
}

type Pair<T> = [T, T];

enum Color {
  Red,
  Green = 5,
  Blue,
}

enum Direction {
  Up = "UP",
  Down = "DOWN",
}

abstract class Base implements Shape {
  abstract readonly kind: string;
  abstract area(): number;
  describe(): string {
    return `${this.kind} with area ${this.area().toFixed(2)}`;
  }
}

class Circle extends Base {
  readonly kind = "circle";
  constructor(private radius: number, public label?: string) {
    super();
  }
  area(): number {
    return Math.PI * this.radius ** 2;
  }
}

class Rect extends Base {
  kind: string = "rect";
  constructor(public readonly w: number, protected h: number) {
    super();
  }
  area() {
    return this.w * this.h;
  }
}

function largest<T extends Shape>(shapes: T[]): T | undefined {
  let best: T | undefined;
  for (const s of shapes) {
    if (!best || s.area() > best.area()) best = s;
  }
  return best;
}

function swap<A, B>([a, b]: [A, B]): [B, A] {
  return [b, a];
}

const shapes: Shape[] = [new Circle(1, "unit"), new Rect(2, 3), new Circle(0.5)];
for (const s of shapes) console.log((s as Base).describe());
console.log(largest(shapes)!.kind, (shapes[0] as Circle).label, (shapes[2] as Circle).label);
console.log(Color.Red, Color.Green, Color.Blue, Color[6], Direction.Up, Object.keys(Direction));
const pair: Pair<number> = [1, 2];
console.log(swap<string, number>(["x", 1]), pair, new Rect(4, 5));

let maybe: string | null = Math.random() > 2 ? null : "definitely";
console.log(maybe!.length, <number>(<unknown>"7") + 1);

type Handler = (event: { name: string; payload?: unknown }) => void;
const events: string[] = [];
const handler: Handler = ({ name }) => void events.push(name);
handler({ name: "start" });
handler({ name: "stop", payload: 1 });
console.log(events, typeof handler satisfies string);

function isString(v: unknown): v is string {
  return typeof v === "string";
}
const mixed: Array<string | number> = ["a", 1, "b"];
console.log(mixed.filter(isString), mixed.length as number);

class Stack<T> {
  #items: T[] = [];
  push(...items: T[]): this {
    this.#items.push(...items);
    return this;
  }
  pop(): T | undefined {
    return this.#items.pop();
  }
  get size(): number {
    return this.#items.length;
  }
}
const st = new Stack<number>().push(1, 2, 3);
console.log(st.pop(), st.size);
declare const ambient: number;
export {};
