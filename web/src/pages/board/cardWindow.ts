// A long column shows only the cards near the screen (issue 14's budget: a 2,000-task board
// renders in under a second and drags at 50 fps). The page scrolls, not the column, so the window
// follows the page's scroll; the cards it leaves out are stood in for by the list's padding, so
// the column keeps its full height and the scrollbar its meaning. A column of at most WINDOW_FROM
// cards is shown whole, as before: every card in the page, found by the browser's search.
// Keyboard moves go from card to card among those in the page (keyboard.ts).
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useState } from 'react';
import type { CSSProperties, RefObject } from 'react';

/** Columns longer than this are windowed. */
export const WINDOW_FROM = 150;
/** A card with its title and one row of badges, before it is measured (px). */
const CARD_ESTIMATE = 92;
/** The card list's gap (`.card-list`, var(--space-2)). */
const GAP = 8;
/** Cards kept in the page above and below the screen. */
const OVERSCAN = 8;
const estimateSize = () => CARD_ESTIMATE;

export interface CardWindow {
  /** The cards in the page, with their place in the column. */
  shown: { id: string; index: number }[];
  /** The list's padding, standing for the cards left out. */
  style: CSSProperties | undefined;
  /** For each card's element (with `data-index`): its height is measured. */
  measure: ((node: Element | null) => void) | undefined;
}

export function useCardWindow(ids: string[], listRef: RefObject<HTMLElement | null>): CardWindow {
  const windowed = ids.length > WINDOW_FROM;
  // Where the list starts in the page: the window is computed from the page's scroll.
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!windowed || !list) return;
    const measure = () => setOffset(Math.round(list.getBoundingClientRect().top + window.scrollY));
    measure();
    // What is above the list (the filters, the column's quick-add) may change its height.
    const observer = new ResizeObserver(measure);
    const page = list.closest('.board-page');
    if (page) observer.observe(page);
    if (list.parentElement) observer.observe(list.parentElement);
    return () => observer.disconnect();
  }, [windowed, listRef]);

  // Stable between renders with the same cards: a new function would make the virtualizer
  // recompute every card's place on each render of a drag.
  const getItemKey = useCallback((index: number) => ids[index] ?? index, [ids]);
  const virtualizer = useWindowVirtualizer({
    count: ids.length,
    estimateSize,
    gap: GAP,
    overscan: OVERSCAN,
    scrollMargin: offset,
    getItemKey,
    enabled: windowed,
  });

  if (!windowed)
    return { shown: ids.map((id, index) => ({ id, index })), style: undefined, measure: undefined };
  const items = virtualizer.getVirtualItems();
  const shown = items.flatMap((item) => {
    const id = ids[item.index];
    return id === undefined ? [] : [{ id, index: item.index }];
  });
  // The card being dragged may leave the page with the rest: the board drags an overlay
  // (DragOverlay), not the card itself.
  const first = items[0];
  const last = items.at(-1);
  const total = virtualizer.getTotalSize();
  return {
    shown,
    style: {
      paddingTop: first ? Math.max(first.start - offset, 0) : 0,
      paddingBottom: last ? Math.max(total - (last.end - offset), 0) : total,
    },
    measure: virtualizer.measureElement,
  };
}
