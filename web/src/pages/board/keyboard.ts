// Moving a card from the keyboard, in the board's terms rather than in pixels.
//
// dnd-kit's sortableKeyboardCoordinates picks the next place by geometry: on → it takes the nearest
// droppable whose left edge is right of the dragged rect's. That rect is the drag overlay's, which
// is rotated (.task-card-overlay), so its bounding box starts about a pixel left of the cards of
// its own column: those cards counted as "to the right", and the first → moved the card onto its
// neighbour in the same column. The arrow keys here move through the board's columns instead:
// ↑/↓ one place within the column, ←/→ to the previous/next column, at the same row; the drop
// target ("over") is the one the key chose, whatever the geometry says.
import type {
  ClientRect,
  Collision,
  DragStartEvent,
  KeyboardCoordinateGetter,
  UniqueIdentifier,
} from '@dnd-kit/core';
import { useMemo, useRef, type RefObject } from 'react';
import { columnDropId, findColumn, isColumnDrop, type Columns } from '../../lib/board';

type Coordinates = { x: number; y: number };

const ARROWS: readonly string[] = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'];
/** The keys dnd-kit's KeyboardSensor acts on during a drag (its defaults). */
const SENSOR_KEYS: readonly string[] = [...ARROWS, 'Space', 'Enter', 'Escape', 'Tab'];

/**
 * dnd-kit's KeyboardSensor starts listening a timer tick after the pick-up (so that the key that
 * picked the card up does not drop it at once). A key pressed before that, quickly or on a busy
 * machine (input can run before timers), was lost: the first arrow did nothing. Such keys
 * are held and handed to the sensor once it listens. Called from onDragStart, which the sensor's
 * constructor calls before it sets its timer: a timer set once that code has run fires after it.
 * Returns the function that stops holding.
 */
function holdEarlyKeys(): () => void {
  const held: { key: string; code: string }[] = [];
  let stopped = false;
  let timer: number | undefined;
  const hold = (event: KeyboardEvent) => {
    if (!SENSOR_KEYS.includes(event.code)) return;
    event.preventDefault();
    event.stopPropagation();
    held.push({ key: event.key, code: event.code });
  };
  const stop = () => {
    stopped = true;
    document.removeEventListener('keydown', hold, true);
    window.clearTimeout(timer);
  };
  document.addEventListener('keydown', hold, true);
  queueMicrotask(() => {
    if (stopped) return;
    timer = window.setTimeout(() => {
      stop();
      for (const key of held) {
        document.dispatchEvent(
          new KeyboardEvent('keydown', { ...key, bubbles: true, cancelable: true }),
        );
      }
    });
  });
  return stop;
}

/**
 * Where a keyboard drag is: over a card of the card's column (dropped, it takes that card's place;
 * its own id: where it is), or over a column it has just entered (`beforeId`: where it goes in).
 */
interface Target {
  over: UniqueIdentifier;
  beforeId?: string;
}

export interface KeyboardMoves {
  /** For onDragStart: a drag started from the keyboard begins over the card itself. */
  begin: (event: DragStartEvent) => void;
  /** For onDragEnd and onDragCancel. */
  end: () => void;
  coordinateGetter: KeyboardCoordinateGetter;
  /** The collision of a keyboard drag (the target the last key chose); undefined otherwise. */
  collisions: () => Collision[] | undefined;
  /** For onDragOver entering column `columnId` from the keyboard: the card to go in before. */
  beforeIdIn: (columnId: string) => string | undefined;
}

export function useKeyboardMoves(columnsRef: RefObject<Columns>): KeyboardMoves {
  const target = useRef<Target | undefined>(undefined);
  const stopHolding = useRef<(() => void) | undefined>(undefined);
  return useMemo<KeyboardMoves>(() => {
    const coordinateGetter: KeyboardCoordinateGetter = (
      event,
      { active, context, currentCoordinates },
    ) => {
      const current = target.current;
      if (!current || !ARROWS.includes(event.code)) return undefined;
      event.preventDefault();
      const id = String(active);
      const columns = columnsRef.current;
      const columnId = findColumn(columns, id);
      if (!columnId) return undefined;
      // The cards shown (a filtered-out card has no droppable), the dragged one included.
      const shown = (column: string) =>
        (columns.cards[column] ?? []).filter(
          (x) => x === id || context.droppableContainers.get(x)?.disabled === false,
        );
      const list = shown(columnId);
      const overIndex = isColumnDrop(current.over) ? -1 : list.indexOf(String(current.over));
      const row = overIndex >= 0 ? overIndex : list.indexOf(id);
      const rectOf = (key: UniqueIdentifier | undefined) =>
        key === undefined ? undefined : context.droppableRects.get(key);
      const topLeft = (rect: ClientRect | undefined): Coordinates | undefined =>
        rect && { x: rect.left, y: rect.top };

      let next: Target | undefined;
      let to: Coordinates | undefined;
      if (event.code === 'ArrowUp' || event.code === 'ArrowDown') {
        const over = list[event.code === 'ArrowUp' ? row - 1 : row + 1];
        if (over !== undefined) {
          next = { over };
          to = topLeft(rectOf(over));
        }
      } else {
        const step = event.code === 'ArrowLeft' ? -1 : 1;
        const column = columns.order[columns.order.indexOf(columnId) + step];
        if (column) {
          const cards = shown(column);
          const beforeId = cards[row];
          next = { over: columnDropId(column), beforeId };
          const last = rectOf(cards.at(-1));
          to =
            topLeft(rectOf(beforeId)) ??
            (last ? { x: last.left, y: last.bottom } : topLeft(rectOf(columnDropId(column))));
        }
      }
      if (!next) return undefined;
      target.current = next;
      // Where the overlay goes; if a rect is missing, it stays put (the target is set anyway).
      return to ?? currentCoordinates;
    };

    return {
      begin: ({ active, activatorEvent }) => {
        const keyboard = activatorEvent instanceof KeyboardEvent;
        target.current = keyboard ? { over: active.id } : undefined;
        stopHolding.current?.();
        stopHolding.current = keyboard ? holdEarlyKeys() : undefined;
      },
      end: () => {
        target.current = undefined;
        stopHolding.current?.();
        stopHolding.current = undefined;
      },
      coordinateGetter,
      collisions: () => (target.current ? [{ id: target.current.over }] : undefined),
      beforeIdIn: (columnId) =>
        target.current?.over === columnDropId(columnId) ? target.current.beforeId : undefined,
    };
  }, [columnsRef]);
}
