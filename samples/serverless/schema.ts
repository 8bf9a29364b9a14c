// A small validation-schema library. A schema is plain data (what a JSON
// Schema document would say); compile() turns it into a tree of closures
// once, at module top level, so that validating a request is only closure
// calls: no walking of the schema, no string building for paths that are
// valid. In an image, the compiled closures are part of the heap.

export type Schema = StringSchema | IntegerSchema | ArraySchema | ObjectSchema;

export interface StringSchema {
  type: "string";
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  patternHint?: string; // what the pattern means, for the error message
  oneOf?: readonly string[];
  check?: (value: string) => string | undefined; // a domain check: an error message or undefined
}

export interface IntegerSchema {
  type: "integer";
  min?: number;
  max?: number;
}

export interface ArraySchema {
  type: "array";
  items: Schema;
  minItems?: number;
  maxItems?: number;
  uniqueBy?: string; // a string property of the items that must not repeat
}

export interface ObjectSchema {
  type: "object";
  properties: { [name: string]: Schema };
  required?: readonly string[];
  additionalProperties?: boolean; // default false: unknown fields are errors
}

export interface ValidationError {
  path: string;
  message: string;
}

export type Validator = (value: unknown, path: string, errors: ValidationError[]) => void;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

function compileString(schema: StringSchema): Validator {
  const allowed = schema.oneOf ? new Set<string>(schema.oneOf) : undefined;
  const allowedText = schema.oneOf ? schema.oneOf.join(", ") : "";
  const { minLength = 0, maxLength = Infinity, pattern, patternHint, check } = schema;
  return (value, path, errors) => {
    if (typeof value !== "string") {
      errors.push({ path, message: `must be a string, got ${describe(value)}` });
      return;
    }
    if (value.length < minLength || value.length > maxLength) {
      const range = maxLength === Infinity ? `at least ${minLength}` : `${minLength} to ${maxLength}`;
      errors.push({ path, message: `must have ${range} characters` });
      return;
    }
    if (pattern && !pattern.test(value)) {
      errors.push({ path, message: `must be ${patternHint ?? `like ${pattern.source}`}` });
      return;
    }
    if (allowed && !allowed.has(value)) {
      errors.push({ path, message: `must be one of ${allowedText}` });
      return;
    }
    const problem = check?.(value);
    if (problem !== undefined) errors.push({ path, message: problem });
  };
}

function compileInteger(schema: IntegerSchema): Validator {
  const min = schema.min ?? Number.MIN_SAFE_INTEGER;
  const max = schema.max ?? Number.MAX_SAFE_INTEGER;
  return (value, path, errors) => {
    if (typeof value !== "number" || !Number.isInteger(value)) {
      errors.push({ path, message: `must be an integer, got ${describe(value)}` });
    } else if (value < min || value > max) {
      errors.push({ path, message: `must be between ${min} and ${max}, got ${value}` });
    }
  };
}

function compileArray(schema: ArraySchema): Validator {
  const item = compile(schema.items);
  const { minItems = 0, maxItems = Infinity, uniqueBy } = schema;
  return (value, path, errors) => {
    if (!Array.isArray(value)) {
      errors.push({ path, message: `must be an array, got ${describe(value)}` });
      return;
    }
    if (value.length < minItems || value.length > maxItems) {
      errors.push({ path, message: `must have ${minItems} to ${maxItems} items, got ${value.length}` });
      return;
    }
    const seen = uniqueBy ? new Map<string, number>() : undefined;
    for (let i = 0; i < value.length; i++) {
      const before = errors.length;
      const itemPath = `${path}[${i}]`;
      item(value[i], itemPath, errors);
      if (!seen || errors.length !== before) continue;
      const key = (value[i] as { [name: string]: string })[uniqueBy!];
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else errors.push({ path: `${itemPath}.${uniqueBy}`, message: `repeats ${path}[${first}] (${key})` });
    }
  };
}

function compileObject(schema: ObjectSchema): Validator {
  // One entry per property, in declaration order, so errors come in a
  // stable order whatever the order of the request's fields.
  const fields = Object.keys(schema.properties).map((name) => ({
    name,
    required: schema.required?.includes(name) ?? false,
    validate: compile(schema.properties[name]),
  }));
  const known = new Set<string>(Object.keys(schema.properties));
  const strict = !(schema.additionalProperties ?? false);
  return (value, path, errors) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      errors.push({ path, message: `must be an object, got ${describe(value)}` });
      return;
    }
    const record = value as { [name: string]: unknown };
    for (const field of fields) {
      const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
      if (!Object.hasOwn(record, field.name) || record[field.name] === undefined) {
        if (field.required) errors.push({ path: fieldPath, message: "is required" });
        continue;
      }
      field.validate(record[field.name], fieldPath, errors);
    }
    if (!strict) return;
    for (const name of Object.keys(record)) {
      if (!known.has(name)) errors.push({ path: path === "" ? name : `${path}.${name}`, message: "is not allowed" });
    }
  };
}

export function compile(schema: Schema): Validator {
  switch (schema.type) {
    case "string":
      return compileString(schema);
    case "integer":
      return compileInteger(schema);
    case "array":
      return compileArray(schema);
    case "object":
      return compileObject(schema);
  }
}
