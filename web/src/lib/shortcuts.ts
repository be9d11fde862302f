// Single-key shortcuts (`n`, `/`, `?`) that never fire while the user types in a field, and the
// command palette's Ctrl+K (⌘K on a Mac), which does: it types nothing.
import { useEffect, useRef } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** How many screens currently bind each key (a fallback binding steps aside for them). */
const bound = new Map<string, number>();

/**
 * Binds a single key. A `fallback` binding (the header's `/`) fires only while no screen binds
 * the same key itself (the board's and the list's `/` focus their own filter).
 */
export function useShortcut(
  key: string,
  handler: (event: KeyboardEvent) => void,
  enabled = true,
  { fallback = false }: { fallback?: boolean } = {},
) {
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    if (!fallback) bound.set(key, (bound.get(key) ?? 0) + 1);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== key || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
      if (fallback && (bound.get(key) ?? 0) > 0) return;
      event.preventDefault();
      handlerRef.current(event);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      if (!fallback) bound.set(key, (bound.get(key) ?? 1) - 1);
    };
  }, [key, enabled, fallback]);
}

/** Ctrl+<key> or ⌘<key> (either, on any system), without Shift or Alt. */
export function isCommandKey(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>,
  key: string,
): boolean {
  return (
    (event.ctrlKey || event.metaKey) &&
    !event.altKey &&
    !event.shiftKey &&
    event.key.toLowerCase() === key
  );
}

/** Whether this is a Mac (or an iPad with a keyboard): the hints then read ⌘ instead of Ctrl. */
export const isMac = () => /Mac|iPhone|iPad|iPod/.test(navigator.platform);

/** The hint shown for Ctrl/⌘ + key, e.g. "Ctrl K" or "⌘K". */
export const commandKeyLabel = (key: string) =>
  isMac() ? `⌘${key.toUpperCase()}` : `Ctrl ${key.toUpperCase()}`;

/**
 * Binds Ctrl+<key> / ⌘<key>. It fires in text fields too (it types nothing), but not while a
 * dialog is open (the dialog's own keys win; the palette closes itself on the same key).
 */
export function useCommandKey(key: string, handler: () => void, enabled = true) {
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isCommandKey(event, key) || event.repeat || event.isComposing) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      handlerRef.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [key, enabled]);
}
