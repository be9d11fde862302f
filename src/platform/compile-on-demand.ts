// Request validators (Ajv) and response serializers (fast-json-stringify) compiled when a request
// first needs one, or in the idle time after the service is ready, whichever comes first.
// Compiling all of them up front was about a quarter of a start (Ajv ~200 ms, fast-json-stringify
// ~100 ms of ~1.1 s; bench/README.md, issue 12), paid again by every worker of WEB_CONCURRENCY
// while they start side by side. `compileRest` finishes the job without holding the event loop
// for longer than one compile at a time, and reports a schema that does not compile.
import { setImmediate as nextTurn } from 'node:timers/promises';

export class CompileOnDemand {
  private readonly waiting = new Set<() => unknown>();

  /**
   * A function that compiles with `compile` on its first call (or in `compileRest`) and then
   * calls what it compiled. `copy` carries the compiled function's properties a caller reads
   * after a call (Ajv's `errors`) onto the wrapper.
   */
  defer<F extends (...args: never[]) => unknown>(
    compile: () => F,
    copy: (from: F, to: F) => void = () => {},
  ): F {
    let fn: F | undefined;
    const compiled = (): F => {
      if (!fn) {
        this.waiting.delete(compiled);
        fn = compile();
      }
      return fn;
    };
    const wrapper = ((...args: Parameters<F>) => {
      const target = compiled();
      const result = target(...args);
      copy(target, wrapper);
      return result;
    }) as F;
    this.waiting.add(compiled);
    return wrapper;
  }

  /** How many are still to be compiled. */
  get pending(): number {
    return this.waiting.size;
  }

  /**
   * Compiles every one no request has needed yet, one per turn of the event loop, so that
   * requests keep being answered meanwhile. Resolves with how many it compiled; rejects with the
   * first compile that failed (the others are still compiled).
   */
  async compileRest(): Promise<number> {
    let count = 0;
    let failure: Error | undefined;
    for (const compile of [...this.waiting]) {
      await nextTurn();
      if (!this.waiting.has(compile)) continue;
      try {
        compile();
        count++;
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        this.waiting.delete(compile);
      }
    }
    if (failure !== undefined) throw failure;
    return count;
  }
}
