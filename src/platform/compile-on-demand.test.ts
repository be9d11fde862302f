import { describe, expect, it } from 'vitest';
import { CompileOnDemand } from './compile-on-demand.js';

describe('CompileOnDemand', () => {
  it('compiles on the first call only, and passes arguments and results through', () => {
    const compilers = new CompileOnDemand();
    let compiles = 0;
    const double = compilers.defer(() => {
      compiles++;
      return (n: number) => n * 2;
    });
    expect(compiles).toBe(0);
    expect(compilers.pending).toBe(1);
    expect([double(2), double(5)]).toEqual([4, 10]);
    expect(compiles).toBe(1);
    expect(compilers.pending).toBe(0);
  });

  it('copies what the compiled function leaves for its caller after each call', () => {
    type Check = ((value: unknown) => boolean) & { errors?: string[] | null };
    const compilers = new CompileOnDemand();
    const check = compilers.defer<Check>(
      () => {
        const fn: Check = (value) => {
          fn.errors = typeof value === 'string' ? null : ['must be a string'];
          return fn.errors === null;
        };
        return fn;
      },
      (from, to) => (to.errors = from.errors),
    );
    expect(check(1)).toBe(false);
    expect(check.errors).toEqual(['must be a string']);
    expect(check('x')).toBe(true);
    expect(check.errors).toBeNull();
  });

  it('compiles the rest between turns of the event loop, skipping what calls compiled', async () => {
    const compilers = new CompileOnDemand();
    const order: string[] = [];
    const make = (name: string) =>
      compilers.defer(() => {
        order.push(name);
        return () => name;
      });
    const [a, b, c] = [make('a'), make('b'), make('c')];
    expect(b()).toBe('b');
    const rest = compilers.compileRest();
    // Nothing is compiled synchronously: a request arriving now is served first.
    expect(order).toEqual(['b']);
    expect(await rest).toBe(2);
    expect(order).toEqual(['b', 'a', 'c']);
    expect(compilers.pending).toBe(0);
    expect([a(), c()]).toEqual(['a', 'c']);
  });

  it('reports a compile that fails, after compiling the others', async () => {
    const compilers = new CompileOnDemand();
    const broken = compilers.defer((): (() => number) => {
      throw new Error('schema is invalid');
    });
    const fine = compilers.defer(() => () => 1);
    await expect(compilers.compileRest()).rejects.toThrow('schema is invalid');
    expect(compilers.pending).toBe(0);
    expect(fine()).toBe(1);
    // A request that needs it fails as loudly (Fastify answers 500).
    expect(() => broken()).toThrow('schema is invalid');
  });
});
