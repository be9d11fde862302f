import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { cachedSerializers } from './serializers.js';

const error = (code: string) => ({
  $id: 'Error',
  type: 'object',
  properties: { code: { type: 'string', const: code }, message: { type: 'string' } },
});
const route = (url: string, httpStatus: string, schema: unknown) => ({
  method: 'GET',
  url,
  httpStatus,
  schema,
});

describe('cachedSerializers', () => {
  it('compiles a schema once for every route and status that answers with it', () => {
    const compile = cachedSerializers()({ Error: error('E') }, {});
    const first = compile(route('/a', '400', { $ref: 'Error#' }));
    expect(compile(route('/b', '404', { $ref: 'Error#' }))).toBe(first);
    expect(first({ code: 'E', message: 'm', extra: 1 })).toBe('{"code":"E","message":"m"}');

    const other = compile(
      route('/a', '200', { type: 'object', properties: { n: { type: 'integer' } } }),
    );
    expect(other).not.toBe(first);
    expect(other({ n: 2, extra: 1 })).toBe('{"n":2}');
  });

  it('keeps serializers of different shared schemas or options apart', () => {
    const factory = cachedSerializers();
    const schema = { $ref: 'Error#' };
    const withE = factory({ Error: error('E') }, {})(route('/a', '400', schema));
    const withF = factory({ Error: error('F') }, {})(route('/a', '400', schema));
    expect(withF).not.toBe(withE);
    const rounded = factory({ Error: error('E') }, { rounding: 'ceil' });
    const integer = { type: 'object', properties: { n: { type: 'integer' } } };
    expect(rounded(route('/n', '200', integer))({ n: 1.2 })).toBe('{"n":2}');
    expect(factory({ Error: error('E') }, {})(route('/n', '200', integer))({ n: 1.2 })).toBe(
      '{"n":1}',
    );
  });

  it('serves the routes of a Fastify app as its default serializer does', async () => {
    const app = Fastify({
      schemaController: { compilersFactory: { buildSerializer: cachedSerializers() } },
    });
    app.addSchema(error('NOPE'));
    const reply = { 200: { type: 'object', properties: { id: { type: 'string' } } } };
    for (const url of ['/one', '/two'])
      app.get(url, { schema: { response: { ...reply, 404: { $ref: 'Error#' } } } }, (req, res) =>
        req.url === '/one'
          ? { id: url, secret: 'not in the schema' }
          : res.status(404).send({ code: 'NOPE', message: 'gone', stack: 'hidden' }),
      );
    expect((await app.inject('/one')).body).toBe('{"id":"/one"}');
    expect((await app.inject('/two')).body).toBe('{"code":"NOPE","message":"gone"}');
    await app.close();
  });
});
