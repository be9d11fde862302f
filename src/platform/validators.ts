// Request validators: two Ajv instances, compiled on demand (compile-on-demand.ts). Bodies are
// validated strictly (a number where a string belongs is an error, unknown fields are refused);
// query strings and path parameters arrive as text and are coerced.
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { CompileOnDemand } from './compile-on-demand.js';
import { dateTimeFormat } from './timestamps.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function validators() {
  const base = {
    allErrors: false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  } as const;
  const body = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  for (const ajv of [body, text]) ajv.addFormat('date-time', dateTimeFormat);
  return { body, text };
}

/** Fastify's validator compiler: each route part's validator is compiled on its first use. */
export function validatorCompiler(compilers: CompileOnDemand): FastifySchemaCompiler<unknown> {
  const ajv = validators();
  return ({ schema, httpPart }) => {
    const validate = compilers.defer(
      () => (httpPart === 'body' ? ajv.body : ajv.text).compile(schema as object),
      (from: ValidateFunction, to: ValidateFunction) => (to.errors = from.errors),
    );
    // Fastify then passes the request as the value's parent, which Ajv needs to apply a
    // default to the value itself (as it does for Ajv's own functions, which have schemaEnv).
    return Object.assign(validate, { schemaEnv: true });
  };
}
