// What the screen shown offers the command palette beyond going places: the board and the list
// offer "new task" (as their `n` key does) while the user may add tasks there. The palette lists
// an action only while a screen has registered it.
import { useEffect, useRef, useSyncExternalStore } from 'react';

export type ScreenAction = 'newTask';

const handlers = new Map<ScreenAction, () => void>();
const listeners = new Set<() => void>();
let snapshot: readonly ScreenAction[] = [];

function changed() {
  snapshot = [...handlers.keys()];
  for (const listener of listeners) listener();
}

/** Offers `action` while mounted and `enabled`; the latest `handler` runs when it is chosen. */
export function useScreenAction(action: ScreenAction, handler: () => void, enabled = true) {
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const run = () => handlerRef.current();
    handlers.set(action, run);
    changed();
    return () => {
      if (handlers.get(action) === run) handlers.delete(action);
      changed();
    };
  }, [action, enabled]);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The actions the screen shown offers now. */
export function useScreenActions(): readonly ScreenAction[] {
  return useSyncExternalStore(subscribe, () => snapshot);
}

/** Runs a registered action; false when no screen offers it (any more). */
export function runScreenAction(action: ScreenAction): boolean {
  const handler = handlers.get(action);
  handler?.();
  return handler !== undefined;
}
