// Response serializers (fast-json-stringify), compiled once per distinct schema. Fastify compiles
// one per route and status, but most of them are the same few shapes (the error body is on every
// route), and each compile validates every shared schema again: at start-up 780 compiles of 68
// distinct schemas took about 0.6 s, a third of start-to-ready (bench/README.md, issue 12).
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import type { CompileOnDemand } from './compile-on-demand.js';

type SerializerFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildSerializer'];

/**
 * Fastify's own serializer factory behind a cache. A compiled serializer depends on its schema,
 * the shared schemas and the serializer options only (the route's method, URL and status are not
 * read), so those three are the key; nothing else can make two compiles differ. With `compilers`
 * each distinct serializer is compiled on its first use (compile-on-demand.ts).
 */
export function cachedSerializers(compilers?: CompileOnDemand): NonNullable<SerializerFactory> {
  const compileWith = SerializerSelector();
  // Shared schemas and options (serialized once per factory call) → schema → serializer.
  const compiled = new Map<string, Map<string, (data: unknown) => string>>();
  return (externalSchemas, options) => {
    const compile = compileWith(externalSchemas, options);
    const context = JSON.stringify([externalSchemas ?? null, options ?? null]);
    const serializers = compiled.get(context) ?? new Map<string, (data: unknown) => string>();
    compiled.set(context, serializers);
    return (route) => {
      const key = JSON.stringify(route.schema ?? null);
      let serializer = serializers.get(key);
      if (!serializer) {
        serializer = compilers ? compilers.defer(() => compile(route)) : compile(route);
        serializers.set(key, serializer);
      }
      return serializer;
    };
  };
}
