import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AppError } from './errors.js';
import { readJsonObject } from './json-stream.js';

const read = (
  text: string | string[],
  options: Parameters<typeof readJsonObject>[1] = { maxBytes: 1 << 20 },
) =>
  readJsonObject(
    Readable.from((Array.isArray(text) ? text : [text]).map((t) => Buffer.from(t))),
    options,
  );

const code = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return { code: (error as AppError).code, message: (error as AppError).message };
  }
  return undefined;
};

describe('readJsonObject', () => {
  it('gives the same object as JSON.parse, whatever the chunking', async () => {
    const value = {
      id: 'x',
      n: 3.5,
      flag: false,
      none: null,
      prefs: { a: 1, b: [1, 2], c: { d: 'é' } },
      cards: [{ id: 1, n: { deep: [true] } }, { id: 2 }, 'odd', 4],
      empty: [],
      emptyObject: {},
      name: 'n “quoted” \\ \u2028',
    };
    const text = JSON.stringify(value);
    expect(await read(text)).toEqual(value);
    // Split between every byte of a multi-byte character and everywhere else.
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await readJsonObject(Readable.from(chunks), { maxBytes: 1 << 20 })).toEqual(value);
  });

  it('keeps of each top-level array element only what keep returns', async () => {
    const seen: string[] = [];
    const result = await read(
      '{"cards":[{"id":1,"big":"x"},{"id":2,"big":"y"}],"actions":[1,2,3],"name":"b"}',
      {
        maxBytes: 1 << 20,
        keep: (array, element) => {
          seen.push(array);
          if (array === 'actions') return (element as number) % 2 ? element : undefined;
          return { id: (element as { id: number }).id };
        },
      },
    );
    expect(result).toEqual({ cards: [{ id: 1 }, { id: 2 }], actions: [1, 3], name: 'b' });
    expect(seen).toEqual(['cards', 'cards', 'actions', 'actions', 'actions']);
  });

  it('reads a "__proto__" key as data, as JSON.parse does, at every depth', async () => {
    const text =
      '{"__proto__":{"polluted":1},"project":{"__proto__":{"polluted":2},"name":"p"},' +
      '"cards":[{"__proto__":{"polluted":3},"id":"c"}]}';
    const got = (await read(text)) as Record<string, Record<string, unknown>> & {
      cards: Record<string, unknown>[];
    };
    expect(got).toEqual(JSON.parse(text));
    for (const object of [got, got.project!, got.cards[0]!]) {
      expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
      expect(Object.hasOwn(object, '__proto__')).toBe(true);
      expect(object.polluted).toBeUndefined();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what is not one JSON object, and a body over the limit', async () => {
    expect(await code(read('[1,2]'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The request body must be a JSON object',
    });
    expect(await code(read('  "text"'))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await code(read(''))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The request body is not valid JSON',
    });
    expect(await code(read('{"a":[1,2'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The request body is not valid JSON',
    });
    expect(await code(read('{"a":tru}'))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await code(read('{"a":1} {"b":2}'))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await code(read(['{"a":"', 'x'.repeat(100), '"}'], { maxBytes: 50 }))).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(await read('\n {"a":1}\n')).toEqual({ a: 1 });
  });
});
