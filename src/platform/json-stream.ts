// A JSON object read as its bytes arrive, keeping only what the caller keeps of it: a large
// import never holds its raw text, nor the parts of it that nobody reads (issue 15). Each element
// of a top-level array is handed to `keep` as soon as it is parsed, and dropped from the parser's
// own tree; top-level scalars and the properties of top-level objects are kept as they are.
import { JSONParser } from '@streamparser/json';
import type { Readable } from 'node:stream';
import { AppError, ValidationFailed } from './errors.js';

/** What to keep of one element of the top-level array `array`: a value, or undefined to drop it. */
export type KeepElement = (array: string, element: unknown) => unknown;

export interface ReadJsonOptions {
  /** The body's size limit in bytes: a larger one is PAYLOAD_TOO_LARGE. */
  maxBytes: number;
  keep?: KeepElement;
  /** Told the bytes read so far, as they arrive. */
  onBytes?: (bytes: number) => void;
}

const keepAll: KeepElement = (_array, element) => element;
const isContainer = (value: unknown) => typeof value === 'object' && value !== null;
/** An own property, as JSON.parse makes it: a "__proto__" key is data, not the prototype. */
const setOwn = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });

/** Feeds bytes to a parser; `result()` is the object once the last byte is in. */
export function jsonObjectReader({ maxBytes, keep = keepAll }: ReadJsonOptions) {
  const parser = new JSONParser({ paths: ['$.*', '$.*.*'], keepStack: false });
  const result: Record<string, unknown> = {};
  const arrays = new Map<string, unknown[]>();
  const objects = new Map<string, Record<string, unknown>>();
  let bytes = 0;
  let first = true;
  let failure: Error | undefined;

  parser.onValue = ({ value, key, parent, stack }) => {
    if (stack.length === 2 && parent !== undefined && key !== undefined) {
      const top = String(stack[1]!.key);
      if (Array.isArray(parent)) {
        const kept = keep(top, value);
        if (kept !== undefined) {
          let list = arrays.get(top);
          if (!list) arrays.set(top, (list = []));
          list.push(kept);
        }
        // Dropped from the parser's tree at once: only what `keep` returned stays in memory.
        parent.length -= 1;
      } else {
        let object = objects.get(top);
        if (!object) objects.set(top, (object = {}));
        setOwn(object, String(key), value);
        delete (parent as Record<string, unknown>)[key];
      }
    } else if (stack.length === 1 && key !== undefined) {
      const name = String(key);
      setOwn(
        result,
        name,
        Array.isArray(value)
          ? (arrays.get(name) ?? [])
          : isContainer(value)
            ? (objects.get(name) ?? {})
            : value,
      );
      arrays.delete(name);
      objects.delete(name);
    }
  };
  parser.onError = (error) => {
    failure ??= error;
  };

  const notJson = (error: Error) =>
    ValidationFailed('The request body is not valid JSON', [
      {
        field: 'body',
        message: /ended in the middle/.test(error.message)
          ? 'ends before its JSON is complete'
          : `is not valid JSON: ${error.message.split('\n')[0]!}`,
      },
    ]);

  return {
    /** Parses one chunk; throws the error the client should get. */
    write(chunk: Buffer) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`,
          { maxBytes },
        );
      if (first) {
        const start = chunk.toString('latin1').trimStart();
        if (start.length === 0) return;
        first = false;
        if (!start.startsWith('{'))
          throw ValidationFailed('The request body must be a JSON object', [
            { field: 'body', message: 'must be an object' },
          ]);
      }
      if (failure) throw notJson(failure);
      try {
        parser.write(chunk);
      } catch (error) {
        throw notJson(error as Error);
      }
      if (failure) throw notJson(failure);
    },
    bytes: () => bytes,
    /** The kept object, once every byte was written. */
    result(): Record<string, unknown> {
      if (first)
        throw ValidationFailed('The request body is not valid JSON', [
          { field: 'body', message: 'is empty' },
        ]);
      if (!parser.isEnded) {
        try {
          parser.end();
        } catch (error) {
          throw notJson(error as Error);
        }
      }
      if (failure) throw notJson(failure);
      return result;
    },
  };
}

/** Reads a stream (a request's body) into the kept object. */
export function readJsonObject(
  stream: Readable,
  options: ReadJsonOptions,
): Promise<Record<string, unknown>> {
  const reader = jsonObjectReader(options);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, value?: Record<string, unknown>) => {
      if (settled) return;
      settled = true;
      if (error) {
        // The rest of the body is read and dropped, so that the client gets the answer.
        stream.resume();
        reject(error);
      } else resolve(value!);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        reader.write(chunk);
        options.onBytes?.(reader.bytes());
      } catch (error) {
        settle(error as Error);
      }
    });
    stream.on('end', () => {
      if (settled) return;
      try {
        settle(undefined, reader.result());
      } catch (error) {
        settle(error as Error);
      }
    });
    stream.on('error', (error) => settle(error));
  });
}
