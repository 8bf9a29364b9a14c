// A TypeScript class hierarchy split across modules.
//   kiln dev samples/shapes/shapes.ts
import { Circle, Rect, Shape, Square, type Described } from "./geometry.ts";

enum Sort { ByArea, ByName }

function sorted(shapes: Shape[], by: Sort): Shape[] {
  const copy = [...shapes];
  return by === Sort.ByArea ? copy.sort((a, b) => a.area() - b.area()) : copy.sort((a, b) => a.name.localeCompare(b.name));
}

const shapes: Shape[] = [new Circle(1), new Rect(2, 3), new Square(2), new Circle(0.5)];
for (const s of sorted(shapes, Sort.ByArea)) console.log(s.describe());
console.log(`${Shape.count()} shapes, total area ${shapes.reduce((t, s) => t + s.area(), 0).toFixed(3)}`);
const described: Described[] = shapes.filter((s): s is Square => s instanceof Square);
console.log(described.map((d) => d.describe()), Sort[Sort.ByName]);
console.log(sorted(shapes, Sort.ByName).map((s) => s.name).join(" < "));
