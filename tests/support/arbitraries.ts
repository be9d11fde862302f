// fast-check arbitraries from JSON Schema (the TypeBox schemas, as the OpenAPI document gives
// them): every value drawn is valid for the schema, with the edges weighted in — empty and
// maximal strings, astral characters, the first and last instant a date-time may name.
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minProperties?: number;
  items?: JsonSchema;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  $ref?: string;
}

/** Replaces the arbitrary of a property path (`labels`, `assigneeId`, …). */
export type Overrides = Record<string, Arbitrary<unknown>>;

const DATE_EDGES = [
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T00:59:59-01:00', // the last hour of year 9999 written with an offset
  '0001-01-01T01:00:00+01:00',
  '1970-01-01T00:00:00Z',
  '2024-02-29T12:00:00+14:00',
];

const dateTime = (): Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...DATE_EDGES),
    fc
      .date({
        min: new Date('0001-01-02T00:00:00Z'),
        max: new Date('9999-12-30T00:00:00Z'),
        noInvalidDate: true,
      })
      .chain((date) =>
        fc.integer({ min: -14 * 60, max: 14 * 60 }).map((offset) => {
          const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const hh = String(Math.floor(abs / 60)).padStart(2, '0');
          const mm = String(abs % 60).padStart(2, '0');
          return `${local}${offset === 0 ? 'Z' : `${sign}${hh}:${mm}`}`;
        }),
      ),
  );

const email = (max: number): Arbitrary<string> =>
  fc
    .tuple(
      fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/),
      fc.stringMatching(/^[a-z0-9]{1,12}$/),
      fc.constantFrom('example.com', 'example.org', 'test.example'),
    )
    .map(([local, tag, domain]) => `${local}.${tag}@${domain}`.replace(/\.+/g, '.'))
    .filter((value) => value.length <= max && !value.startsWith('.'));

function string(schema: JsonSchema): Arbitrary<string> {
  if (schema.format === 'date-time') return dateTime();
  if (schema.format === 'email') return email(schema.maxLength ?? 254);
  if (schema.pattern && schema.pattern !== '\\S')
    return fc.stringMatching(new RegExp(schema.pattern));
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 500, 20_000);
  // Code points, as JSON Schema counts length: astral characters count once.
  const any = (minLength: number, maxLength: number) =>
    fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.constantFrom('😀', '𝔘', 'é', 'ß', ' '),
      ),
      minLength,
      maxLength,
    });
  const arb = fc.oneof(
    { weight: 5, arbitrary: any(min, Math.min(max, 40)) },
    { weight: 1, arbitrary: any(max, max) },
    { weight: 1, arbitrary: any(min, min) },
    {
      weight: 1,
      arbitrary: fc.constant('😀'.repeat(Math.max(min, 1))).filter((s) => [...s].length <= max),
    },
  );
  return schema.pattern === '\\S' ? arb.filter((s) => /\S/u.test(s)) : arb;
}

export function arbitraryOf(
  schema: JsonSchema,
  overrides: Overrides = {},
  path = '',
): Arbitrary<unknown> {
  if (overrides[path]) return overrides[path];
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((s) => arbitraryOf(s, overrides, path)));
  if (Array.isArray(schema.type) && schema.type.length > 1) {
    const types = schema.type;
    return fc.oneof(...types.map((t) => arbitraryOf({ ...schema, type: t }, overrides, path)));
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'string':
      return string(schema);
    case 'array': {
      const item = arbitraryOf(schema.items ?? {}, overrides, `${path}[]`);
      const constraints = {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      };
      return schema.uniqueItems ? fc.uniqueArray(item, constraints) : fc.array(item, constraints);
    }
    case 'object': {
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [
          key,
          arbitraryOf(value, overrides, path ? `${path}.${key}` : key),
        ]),
      );
      return fc
        .record(properties, { requiredKeys: schema.required ?? [] })
        .filter((value) => Object.keys(value).length >= (schema.minProperties ?? 0));
    }
    default:
      throw new Error(`no arbitrary for the schema at "${path}": ${JSON.stringify(schema)}`);
  }
}
