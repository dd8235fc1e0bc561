import fc from 'fast-check';

/*
 * fast-check arbitraries from the JSON Schemas of the OpenAPI document: values a schema
 * accepts (so requests get past validation and reach the services), and values an
 * attacker would try (control characters, huge numbers, wrong types, unicode edge cases,
 * prototype keys), mixed field by field.
 */

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** Ids that exist (a room, a message, users), so generated requests also reach real rows. */
export interface FuzzContext {
  realIds: string[];
  /** The real ids for a path parameter, by its name (roomId: the room, messageId: its messages …). */
  idsByName: Record<string, string[]>;
}

const LONG = 'x'.repeat(10_000);

/** Strings that broke or could break a server: each is tried in bodies, queries and paths. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0008\u001b[31m\u007f',
  '\u0085\u009f',
  'line\nbreak\r\n',
  '\t',
  '\u202egnp.exe',
  '\u200f\u2066x\u2069',
  'e\u0301\u0301\u0301\u0301',
  'Z̴̡̛̗̘̈́͊a̶̡̘̓l̶̢̈́g̶̣̍o̶̡͝',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ud83d\ude00\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67',
  '\ufeff\ufffe\uffff',
  '\u{10ffff}',
  LONG,
  'é'.repeat(3000),
  '1e22',
  '99999999999999999999',
  '-1',
  '-0',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '0x10',
  '1_000',
  ' 5 ',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  "'; DROP TABLE users; --",
  "1' OR '1'='1",
  '<script>alert(1)</script>',
  '%00',
  '%',
  '../../etc/passwd',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'not-a-uuid',
  'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
  'a0eebc999c0b4ef8bb6d6bb9bd380a11',
];

const NASTY_VALUES: readonly unknown[] = [
  ...NASTY_STRINGS,
  1e22,
  1e20, // 99999999999999999999 as a JS number: a JSON body carries it as 100000000000000000000
  -1,
  0,
  -0,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  true,
  false,
  null,
  [],
  [''],
  [1, 2],
  [[[[]]]],
  {},
  { a: 1 },
  { $gt: '' },
  { toString: 'x' },
];

/** Something wrong in every way a field can be. */
export function nastyValue(ctx: FuzzContext): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NASTY_VALUES) },
    { weight: 1, arbitrary: fc.constantFrom(...ctx.realIds.map((id) => id.toUpperCase())) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.bigInt().map(String)) },
    { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) },
  );
}

/** A value the schema accepts (as far as a JSON Schema can say; refinements are the server's). */
export function validValue(schema: JsonSchema, ctx: FuzzContext): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => validValue(b, ctx)));
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf) as JsonSchema, ctx);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((t) => validValue({ ...schema, type: t }, ctx)));
  switch (schema.type) {
    case 'string':
      return validString(schema, ctx);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(schema.items ?? {}, ctx), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const props = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, validValue(s, ctx)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validString(schema: JsonSchema, ctx: FuzzContext): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 200);
  const fits = (s: string) => s.length >= minLength && s.length <= maxLength;
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ctx.realIds), fc.uuid());
  if (schema.format === 'uri') return fc.webUrl().filter(fits);
  if (schema.pattern) {
    // Only the schema's own bounds here: the default cap of 40 can never pass a pattern that fixes a longer
    // length (a 50-character cursor), and a filter that never passes makes fc.sample loop forever.
    const fitsSchema = (s: string) => s.length >= minLength && (schema.maxLength === undefined || s.length <= schema.maxLength);
    return fc.stringMatching(new RegExp(schema.pattern)).filter(fitsSchema);
  }
  const words = ['hello', 'team', '👍', '🎉', '❤️', '👨‍👩‍👧', 'é', 'שלום', 'correct horse battery'].filter(fits);
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }).filter(fits),
    // (A filter that can never pass would loop forever: only the words that fit are offered.)
    ...(words.length ? [fc.constantFrom(...words)] : []),
  );
}

/** A value for a field: usually accepted, sometimes wrong; an object's fields each decide for themselves. */
export function fuzzValue(schema: JsonSchema, ctx: FuzzContext): fc.Arbitrary<unknown> {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.some((b) => b.type === 'object')) return fc.oneof(...branches.map((b) => fuzzValue(b, ctx)));
  if (schema.type === 'object' && schema.properties) {
    const model = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, fuzzValue(s, ctx)]));
    return fc
      .tuple(
        fc.record(model, { requiredKeys: [] }),
        fc.option(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'extra'), { freq: 4 }),
        nastyValue(ctx),
      )
      .map(([record, extraKey, extraValue]) => {
        if (extraKey !== null) Object.defineProperty(record, extraKey, { value: extraValue, enumerable: true, writable: true });
        return record;
      });
  }
  return fc.oneof({ weight: 3, arbitrary: validValue(schema, ctx) }, { weight: 2, arbitrary: nastyValue(ctx) });
}

/**
 * Percent-encodes for a URL as a careless or hostile client would: lone surrogates become
 * the bytes of their WTF-8 form, which is not valid UTF-8 (encodeURIComponent would throw).
 */
export function encodeLoosely(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const isLow = c >= 0xdc00 && c <= 0xdfff;
    if (isHigh && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (isHigh || isLow) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => '%' + b.toString(16).toUpperCase()).join('');
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}
