// A small class hierarchy: abstract base, subclasses, an interface.
export interface Described {
  describe(): string;
}

export abstract class Shape implements Described {
  private static created = 0;
  readonly id: number;

  constructor(public readonly name: string) {
    this.id = ++Shape.created;
  }

  abstract area(): number;

  describe(): string {
    return `#${this.id} ${this.name} area=${this.area().toFixed(2)}`;
  }

  static count(): number {
    return Shape.created;
  }
}

export class Circle extends Shape {
  constructor(private radius: number) {
    super("circle");
  }
  area(): number {
    return Math.PI * this.radius ** 2;
  }
}

export class Rect extends Shape {
  constructor(protected w: number, protected h: number, name = "rect") {
    super(name);
  }
  area(): number {
    return this.w * this.h;
  }
}

export class Square extends Rect {
  constructor(side: number) {
    super(side, side, "square");
  }
  override describe(): string {
    return super.describe() + ` side=${this.w}`;
  }
}
