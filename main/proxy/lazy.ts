// Routes whose code loads on first use. A route module that pulls in something heavy (the OpenAI routes: the
// translation and @anthropic-ai/sdk, about 0.4 s of imports) registers its routes at once, so they answer from the
// first moment, but keeps its handlers in a module of their own that is imported by the first request that needs
// them. Nothing on the way to the first /health or /v1/messages waits for it. In the bundle (scripts/build.mjs),
// each `import()` given here becomes a chunk of its own, read from disk only then.
//
// Use: `const handlers = lazyModule(() => import('./my-handlers.js'));` then, in the plugin,
// `scope.post('/v1/x', lazyHandler(handlers, (m) => m.handleX))` and, for error handlers or hooks,
// `lazyHandler(handlers, (m) => m.onError)`: each is an async function with the same arguments.
export interface LazyModule<M> {
  /** The module, imported once (a failed import is tried again by the next caller). */
  get(): Promise<M>;
  /** True once the import has finished. */
  readonly loaded: boolean;
}

export function lazyModule<M>(load: () => Promise<M>): LazyModule<M> {
  let pending: Promise<M> | null = null;
  let loaded = false;
  return {
    get() {
      pending ??= load().then(
        (m) => ((loaded = true), m),
        (err: unknown) => {
          pending = null; // a broken import is not cached for the life of the process
          throw err;
        },
      );
      return pending;
    },
    get loaded() {
      return loaded;
    },
  };
}

/** A handler that imports its module on first call, then runs `pick(module)` with the same arguments. */
export function lazyHandler<M, A extends unknown[], R>(mod: LazyModule<M>, pick: (m: M) => (...args: A) => R): (...args: A) => Promise<Awaited<R>> {
  return async (...args: A): Promise<Awaited<R>> => {
    const fn = pick(await mod.get());
    return (await fn(...args)) as Awaited<R>;
  };
}
