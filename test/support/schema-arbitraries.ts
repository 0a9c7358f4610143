import fc from 'fast-check';
import * as z from 'zod/mini';

/**
 * fast-check arbitraries derived from a route's own zod schemas (through the JSON Schema zod
 * emits, the same one the OpenAPI document is built from), so the fuzz tests follow the routes
 * as they change: a new field, pattern or bound is fuzzed without anyone listing it.
 *
 * `validFor` makes values the schema accepts, preferring `known` values (ids of the test's own
 * org, application, datasource) wherever a pattern admits them, so requests reach past the id
 * checks into the domain. `hostileValue` and `mutate` make what it must refuse.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

export function jsonSchemaOf(schema: z.core.$ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Strings that have broken parsers, key builders and loggers elsewhere. */
export const UNICODE_EDGES = [
  '',
  ' ',
  '#',
  'ORG#',
  'a#b',
  '##',
  '\u0000',
  '\u0000#\u0000',
  '\uD800', // a lone high surrogate
  '\uDC00x', // a lone low surrogate
  '\uFEFF', // BOM
  '\u202E', // right-to-left override
  '\u200B', // zero-width space
  'e\u0301', // combining accent
  '😀',
  '👩‍👩‍👧‍👦',
  'İ', // lower-cases to two code points
  'ß',
  '\r\n',
  '../../etc/passwd',
  '%00',
  '%23',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '__proto__',
  'constructor',
  'toString',
  '\\',
  '"',
];

const WEIRD_NUMBERS = [0, -0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1.5, 0.1, 5e-324, 2 ** 53, -(2 ** 31)];

/** A string that is hostile in one of several ways: unicode edges, a `#` key delimiter, huge, or random. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...UNICODE_EDGES),
  fc
    .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...UNICODE_EDGES), fc.string({ maxLength: 10 }))
    .map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'x'.repeat(length)),
);

/** JSON nested `depth` levels deep, as an array or an object chain. */
export const deepJson = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
};

/** A JSON value of the wrong kind for almost any field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': null }, ...WEIRD_NUMBERS),
  fc.integer({ min: 50, max: 3000 }).chain((depth) => fc.constantFrom(deepJson(depth, 'array'), deepJson(depth, 'object'))),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, fc.oneof(hostileString, fc.integer()), { maxKeys: 4 }),
  fc.array(fc.constant('x'), { minLength: 1000, maxLength: 3000 }),
);

function formatted(format: string | undefined): fc.Arbitrary<string> | undefined {
  if (format === 'date-time')
    return fc
      .integer({ min: Date.now() - 20 * 86_400_000, max: Date.now() + 400 * 86_400_000 })
      .map((ms) => new Date(ms).toISOString());
  if (format === 'email')
    return fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.constantFrom('example.org', 'example.com'))
      .map(([local, domain]) => `${local}@${domain}`);
  return undefined;
}

/**
 * An arbitrary of values the JSON schema accepts. `known` values are offered wherever a string
 * pattern admits them; a pattern fast-check cannot invert is answered with the known values only.
 */
export function validFor(schema: JsonSchema, known: readonly string[] = []): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => validFor(choice, known)));
  if (schema.allOf?.length) return validFor(schema.allOf[0]!, known);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1e6, -1e6, (schema.exclusiveMinimum ?? -Infinity) + 1),
        max: Math.min(schema.maximum ?? 1e6, 1e6, (schema.exclusiveMaximum ?? Infinity) - 1),
      });
    case 'number':
      return fc.double({
        min: Math.max(schema.minimum ?? -1e6, -1e6),
        max: Math.min(schema.maximum ?? 1e6, 1e6),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'string': {
      const byFormat = formatted(schema.format);
      if (byFormat) return byFormat;
      if (schema.pattern) {
        const pattern = new RegExp(schema.pattern);
        const matching = known.filter((value) => pattern.test(value));
        const generated = fc.stringMatching(pattern).filter((value) => value.length <= (schema.maxLength ?? Infinity));
        return matching.length
          ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...matching) }, { weight: 1, arbitrary: generated })
          : generated;
      }
      return fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
    }
    case 'array':
      return fc.array(validFor(schema.items ?? {}, known), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, Math.max(schema.minItems ?? 0, 5)),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = validFor(property, known);
      return fc.record(record, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * A value derived from a valid one by one hostile change: a field replaced by a hostile value,
 * a field removed, or an unknown field added (which `/admin` must refuse and `/v2` ignore).
 */
export function mutate(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, hostileValue, hostileString, fc.nat(), fc.constantFrom('replace', 'remove', 'add'))
    .map(([value, hostile, name, index, how]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return hostile;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      if (how === 'add' || keys.length === 0) {
        // Defined as an own property, so `__proto__` is a real key of the JSON, as an attacker sends it.
        Object.defineProperty(copy, name || 'unknownField', {
          value: hostile,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else if (how === 'remove') delete copy[keys[index % keys.length]!];
      else copy[keys[index % keys.length]!] = hostile;
      return copy;
    });
}
