// React.lazy that can be preloaded: once the module is in, the screen renders straight away
// instead of suspending for a frame (and React's fallback throttle) on first use.
import { lazy } from 'react';
import type { ComponentType } from 'react';

export interface PreloadableComponent<P extends object> {
  (props: P): React.ReactNode;
  preload: () => Promise<unknown>;
}

export function lazyWithPreload<P extends object>(
  factory: () => Promise<{ default: ComponentType<P> }>,
): PreloadableComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<{ default: ComponentType<P> }> | undefined;
  const load = () =>
    (pending ??= factory().then((module) => {
      loaded = module.default;
      return module;
    }));
  const Lazy = lazy(load);
  const Screen = (props: P) => {
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  };
  Screen.preload = load;
  return Screen;
}
