// Moving a task from the keyboard, in days rather than pixels: with a task picked up (Space or
// Enter on its handle), ← and → move it a day, ↑ and ↓ a week, through the days shown; the drop
// target ("over") is the day the keys chose, whatever the geometry says (as on the board,
// pages/board/keyboard.ts, where geometry picked the wrong neighbour).
import type {
  Collision,
  DragStartEvent,
  KeyboardCoordinateGetter,
  UniqueIdentifier,
} from '@dnd-kit/core';
import { useMemo, useRef, type RefObject } from 'react';
import { stepDay } from './dates';

const STEPS: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

/** A day cell's droppable id, and back. */
export const dropId = (day: string) => `day:${day}`;
export const dayOfDrop = (id: UniqueIdentifier | undefined): string | undefined =>
  typeof id === 'string' && id.startsWith('day:') ? id.slice(4) : undefined;

export interface DayKeyboard {
  /** For onDragStart: a drag started from the keyboard begins over the task's own day. */
  begin: (event: DragStartEvent, day: string | undefined) => void;
  /** For onDragEnd and onDragCancel. */
  end: () => void;
  coordinateGetter: KeyboardCoordinateGetter;
  /** The collision of a keyboard drag (the day the last key chose); undefined otherwise. */
  collisions: () => Collision[] | undefined;
}

/** `daysRef`: the days shown, in order (a month's weeks one after another). */
export function useDayKeyboard(daysRef: RefObject<readonly string[]>): DayKeyboard {
  const target = useRef<string | undefined>(undefined);
  return useMemo<DayKeyboard>(() => {
    const coordinateGetter: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
      const step = STEPS[event.code];
      const current = target.current;
      if (step === undefined || current === undefined) return undefined;
      event.preventDefault();
      const rectOf = (day: string) => context.droppableRects.get(dropId(day));
      // Days hidden on this screen (a phone leaves out the other months' days) are skipped.
      let next = stepDay(daysRef.current, current, step);
      while (next !== undefined && !rectOf(next)?.width)
        next = stepDay(daysRef.current, next, step);
      if (next === undefined) return undefined;
      target.current = next;
      const rect = rectOf(next);
      // The dragged copy goes to the day's corner; the target is set even if it cannot.
      return rect ? { x: rect.left + 4, y: rect.top + 4 } : currentCoordinates;
    };
    return {
      begin: ({ activatorEvent }, day) => {
        target.current = activatorEvent instanceof KeyboardEvent ? day : undefined;
      },
      end: () => {
        target.current = undefined;
      },
      coordinateGetter,
      collisions: () => (target.current ? [{ id: dropId(target.current) }] : undefined),
    };
  }, [daysRef]);
}
