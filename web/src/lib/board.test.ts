import { describe, expect, it } from 'vitest';
import type { Column, Status, Task } from '../api/types';
import {
  cardCount,
  columnDropId,
  columnChoice,
  columnName,
  nameOfColumn,
  columnStep,
  droppedColumn,
  dropTargetOf,
  filterColumns,
  findColumn,
  overLimit,
  placeBefore,
  placementOf,
  samePlacement,
  sameDropTarget,
  toColumns,
} from './board';

const column = (id: string, category: Status, name = id): Column => ({
  id,
  projectId: 'p',
  name,
  color: null,
  category,
  position: 0,
  wipLimit: null,
  createdAt: '',
  updatedAt: '',
});
const task = (id: string, columnId: string, status: Status) => ({ id, columnId, status }) as Task;

const spanish = (status: Status) =>
  ({ todo: 'Por hacer', in_progress: 'En curso', done: 'Hecho' })[status];

const layout = [
  column('c-todo', 'todo', 'To do'),
  column('c-doing', 'in_progress', 'In progress'),
  column('c-review', 'in_progress', 'Review'),
  column('c-done', 'done', 'Done'),
];

describe('the board of a project with its own columns', () => {
  it('groups tasks by column in the order given, and keeps the columns in board order', () => {
    const columns = toColumns(layout, [
      task('t1', 'c-review', 'in_progress'),
      task('t2', 'c-todo', 'todo'),
      task('t3', 'c-review', 'in_progress'),
      // A column the board does not know yet: the first one of the task's status.
      task('t4', 'c-new', 'done'),
    ]);
    expect(columns.order).toEqual(['c-todo', 'c-doing', 'c-review', 'c-done']);
    expect(columns.cards).toEqual({
      'c-todo': ['t2'],
      'c-doing': [],
      'c-review': ['t1', 't3'],
      'c-done': ['t4'],
    });
    expect(cardCount(columns)).toBe(4);
  });

  it('tells a column drop target from a card, whatever the ids look like', () => {
    const columns = toColumns(layout, [task('c-todo', 'c-review', 'in_progress')]);
    expect(droppedColumn(columnDropId('c-done'))).toBe('c-done');
    expect(droppedColumn('c-done')).toBeUndefined();
    // A task whose id is a column's id is still the task.
    expect(findColumn(columns, 'c-todo')).toBe('c-review');
    expect(findColumn(columns, columnDropId('c-todo'))).toBe('c-todo');
    expect(findColumn(columns, columnDropId('gone'))).toBeUndefined();
  });

  it('moves a card before another or to the end, and says where it is', () => {
    const columns = toColumns(layout, [
      task('a', 'c-todo', 'todo'),
      task('b', 'c-review', 'in_progress'),
      task('c', 'c-review', 'in_progress'),
    ]);
    const moved = placeBefore(columns, 'a', 'c-review', 'c');
    expect(moved.cards['c-review']).toEqual(['b', 'a', 'c']);
    expect(moved.cards['c-todo']).toEqual([]);
    expect(placementOf(moved, 'a')).toEqual({ columnId: 'c-review', index: 1, beforeId: 'c' });
    const atEnd = placeBefore(moved, 'a', 'c-done', undefined);
    expect(atEnd.cards['c-done']).toEqual(['a']);
    expect(samePlacement(placementOf(columns, 'b'), placementOf(atEnd, 'b'))).toBe(true);
    expect(samePlacement(placementOf(columns, 'a'), placementOf(atEnd, 'a'))).toBe(false);
    // An unknown column leaves the board as it is.
    expect(placeBefore(columns, 'a', 'gone', undefined)).toBe(columns);
    expect(filterColumns(moved, (id) => id !== 'b').cards['c-review']).toEqual(['a', 'c']);
  });

  it('says where a card held over another column would land, and nothing over its own', () => {
    const columns = toColumns(layout, [
      task('a', 'c-todo', 'todo'),
      task('b', 'c-review', 'in_progress'),
      task('c', 'c-review', 'in_progress'),
    ]);
    // On a card's upper half: before it; on its lower half: before the next, or at the end.
    expect(dropTargetOf(columns, 'a', 'b', false)).toEqual({ columnId: 'c-review', beforeId: 'b' });
    expect(dropTargetOf(columns, 'a', 'b', true)).toEqual({ columnId: 'c-review', beforeId: 'c' });
    expect(dropTargetOf(columns, 'a', 'c', true)).toEqual({
      columnId: 'c-review',
      beforeId: undefined,
    });
    // Over a column's own space: its end.
    expect(dropTargetOf(columns, 'a', columnDropId('c-done'), false)).toEqual({
      columnId: 'c-done',
      beforeId: undefined,
    });
    // Over its own column (its sortable list orders it), or nothing known: no target.
    expect(dropTargetOf(columns, 'b', 'c', false)).toBeUndefined();
    expect(dropTargetOf(columns, 'b', columnDropId('c-review'), false)).toBeUndefined();
    expect(dropTargetOf(columns, 'a', 'gone', false)).toBeUndefined();
    const target = { columnId: 'c-review', beforeId: 'b' };
    expect(sameDropTarget(target, { ...target })).toBe(true);
    expect(sameDropTarget(target, { ...target, beforeId: undefined })).toBe(false);
    expect(sameDropTarget(undefined, undefined)).toBe(true);
    expect(sameDropTarget(target, undefined)).toBe(false);
  });

  it('answers the beforeId that moves a column one place left or right', () => {
    const order = layout.map((c) => c.id);
    expect(columnStep(order, 'c-review', -1)).toBe('c-doing');
    expect(columnStep(order, 'c-doing', 1)).toBe('c-done');
    // One place right of the last but one: the end.
    expect(columnStep(order, 'c-review', 1)).toBeNull();
    expect(columnStep(order, 'c-todo', -1)).toBeUndefined();
    expect(columnStep(order, 'c-done', 1)).toBeUndefined();
    expect(columnStep(order, 'gone', 1)).toBeUndefined();
  });

  it('is over a WIP limit only past it', () => {
    expect(overLimit(3, 3)).toBe(false);
    expect(overLimit(4, 3)).toBe(true);
    expect(overLimit(400, null)).toBe(false);
  });

  it('shows the starting columns in the language of the UI until renamed', () => {
    expect(columnName(column('x', 'todo', 'To do'), spanish)).toBe('Por hacer');
    expect(columnName(column('x', 'done', 'Done'), spanish)).toBe('Hecho');
    expect(columnName(column('x', 'in_progress', 'Review'), spanish)).toBe('Review');
    // The name of another category's starting column is a name like any other.
    expect(columnName(column('x', 'in_progress', 'Done'), spanish)).toBe('Done');
  });

  it('offers a column as a choice with its category when its name does not say it', () => {
    expect(columnChoice(column('x', 'todo', 'To do'), spanish)).toBe('Por hacer');
    expect(columnChoice(column('x', 'in_progress', 'Review'), spanish)).toBe('Review (En curso)');
    expect(columnChoice(column('x', 'done', 'Hecho'), spanish)).toBe('Hecho');
  });

  it("names a column by its id among the project's, and nothing for an unknown one", () => {
    expect(nameOfColumn(layout, 'c-todo', spanish)).toBe('Por hacer');
    expect(nameOfColumn(layout, 'c-review', spanish)).toBe('Review');
    expect(nameOfColumn(layout, 'gone', spanish)).toBeUndefined();
    expect(nameOfColumn(undefined, 'c-todo', spanish)).toBeUndefined();
  });
});
