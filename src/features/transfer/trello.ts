// A Trello board export (Board menu → Print, export and share → Export as JSON) turned into a
// project document (transfer.schemas.ts), which the ordinary import then writes. Trello's quirks:
// lists and cards may be closed (archived): a closed card is imported archived (restorable from
// the project's archive), every card of a closed list is left out and counted; labels may have no name (only a colour) and colours are names, not hex;
// checklists and their items are ordered by `pos`, not by array order; comments are actions of
// type `commentCard`; the export has no emails, so nobody can be matched: cards' members are
// reported as unassigned and authors' names are kept in the comment text.
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import {
  formatTimestamp,
  parseTimestamp,
  TIMESTAMP_MAX_MS,
  TIMESTAMP_MIN_MS,
} from '../../platform/timestamps.js';
import { DEFAULT_COLUMNS } from '../columns/columns.repository.js';
import { MAX_COLUMNS } from '../columns/columns.schemas.js';
import type { Status } from '../tasks/tasks.domain.js';
import type { ProjectDocument } from './transfer.schemas.js';
import { FORMAT, FORMAT_VERSION } from './transfer.schemas.js';

const TrelloId = Type.String({ minLength: 1, maxLength: 64 });
const Loose = { additionalProperties: true } as const;

/** An action of the board's history: the import reads the comments (type `commentCard`). */
const TrelloAction = Type.Object(
  {
    id: TrelloId,
    type: Type.String(),
    date: Type.Optional(Type.String()),
    data: Type.Optional(Type.Object({}, Loose)),
    memberCreator: Type.Optional(Type.Object({}, Loose)),
  },
  Loose,
);

/** The parts of Trello's board JSON the import reads; anything else in it is ignored. */
export const TrelloBoard = Type.Object(
  {
    id: TrelloId,
    name: Type.String({ maxLength: 16_384 }),
    desc: Type.Optional(Type.String()),
    labels: Type.Array(
      Type.Object(
        {
          id: TrelloId,
          name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          color: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        },
        Loose,
      ),
      { maxItems: 1000 },
    ),
    lists: Type.Array(
      Type.Object(
        {
          id: TrelloId,
          name: Type.String(),
          closed: Type.Optional(Type.Boolean()),
          pos: Type.Optional(Type.Number()),
        },
        Loose,
      ),
    ),
    cards: Type.Array(
      Type.Object(
        {
          id: TrelloId,
          name: Type.String(),
          desc: Type.Optional(Type.String()),
          closed: Type.Optional(Type.Boolean()),
          idList: TrelloId,
          idLabels: Type.Optional(Type.Array(TrelloId)),
          idMembers: Type.Optional(Type.Array(TrelloId)),
          due: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          pos: Type.Optional(Type.Number()),
          dateLastActivity: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        },
        Loose,
      ),
    ),
    checklists: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: TrelloId,
            idCard: TrelloId,
            name: Type.Optional(Type.String()),
            pos: Type.Optional(Type.Number()),
            checkItems: Type.Array(
              Type.Object(
                {
                  name: Type.String(),
                  state: Type.Optional(Type.String()),
                  pos: Type.Optional(Type.Number()),
                },
                Loose,
              ),
            ),
          },
          Loose,
        ),
      ),
    ),
    actions: Type.Optional(Type.Array(TrelloAction)),
    members: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: TrelloId,
            fullName: Type.Optional(Type.String()),
            username: Type.Optional(Type.String()),
          },
          Loose,
        ),
      ),
    ),
  },
  { ...Loose, description: "A Trello board's JSON export" },
);

/** The fields of each array's elements that the import reads (TrelloBoard above). */
const READ: Record<string, readonly string[]> = {
  labels: ['id', 'name', 'color'],
  lists: ['id', 'name', 'closed', 'pos'],
  cards: [
    'id',
    'name',
    'desc',
    'closed',
    'idList',
    'idLabels',
    'idMembers',
    'due',
    'pos',
    'dateLastActivity',
  ],
  checklists: ['id', 'idCard', 'name', 'pos', 'checkItems'],
  members: ['id', 'fullName', 'username'],
};
const ITEM_FIELDS = ['name', 'state', 'pos'];

function pick(value: unknown, fields: readonly string[]): unknown {
  // Not an object: kept as it is, for the schema to refuse with its place in the file.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const field of fields) if (field in source) kept[field] = source[field];
  return kept;
}

/**
 * What a streamed Trello export keeps of each element of its arrays (platform/json-stream.ts):
 * the fields the import reads, comments among the actions, nothing of the arrays it ignores
 * (custom fields, plugin data, …). A 50,000-card board is then a fraction of its file in memory.
 */
export function keepOfTrello(array: string, element: unknown): unknown {
  if (array === 'actions') {
    // An action the schema would refuse stays whole, so the import is refused as it would be had
    // the file been read at once; of a valid one, only a comment's text, card and author are read.
    if (!Value.Check(TrelloAction, element)) return element;
    const action = element; // checked: a TrelloAction
    if (action.type !== 'commentCard') return undefined;
    const data = action.data as { text?: unknown; card?: unknown } | undefined;
    return {
      ...(pick(action, ['id', 'type', 'date']) as object),
      ...(data !== undefined ? { data: { text: data.text, card: pick(data.card, ['id']) } } : {}),
      ...(action.memberCreator !== undefined
        ? { memberCreator: pick(action.memberCreator, ['fullName', 'username']) }
        : {}),
    };
  }
  // An array the import does not read is left out (an own key only: not "constructor").
  if (!Object.hasOwn(READ, array)) return undefined;
  const fields = READ[array]!;
  const kept = pick(element, fields);
  if (array === 'checklists' && typeof kept === 'object' && kept !== null) {
    const checklist = kept as { checkItems?: unknown };
    if (Array.isArray(checklist.checkItems))
      checklist.checkItems = checklist.checkItems.map((item) => pick(item, ITEM_FIELDS));
  }
  return kept;
}

type Board = Static<typeof TrelloBoard>;
type Document = Static<typeof ProjectDocument>;

/** Trello's label colours (its palette's main shades) as hex; unknown or none: grey. */
const COLOURS = new Map(
  Object.entries({
    green: '#4bce97',
    yellow: '#f5cd47',
    orange: '#fea362',
    red: '#f87168',
    purple: '#9f8fef',
    blue: '#579dff',
    sky: '#6cc3e0',
    lime: '#94c748',
    pink: '#e774bb',
    black: '#8590a2',
  }),
);
// A Map: a colour named like an Object property ("toString") is unknown too, not a function.
const colourOf = (name: string | null | undefined) =>
  COLOURS.get((name ?? '').replace(/_(dark|light)$/, '')) ?? '#8590a2';

/** Which column a list's cards go to: by its name, else by its place among the open lists. */
function statusOf(name: string, index: number, count: number): Status {
  const n = name.toLowerCase();
  if (/\b(done|complete[d]?|finished|shipped|hecho|terminad[oa])\b/.test(n)) return 'done';
  if (/\b(doing|in progress|progress|wip|review|en curso|haciendo)\b/.test(n)) return 'in_progress';
  if (/\b(to ?do|backlog|todo|ideas|next|pendiente)\b/.test(n)) return 'todo';
  if (index === 0 || count === 1) return 'todo';
  return index === count - 1 ? 'done' : 'in_progress';
}

/** A Trello id's creation time: the first 4 bytes of a MongoDB ObjectId are Unix seconds. */
const createdAtOf = (id: string, fallback: number) =>
  /^[0-9a-f]{24}$/i.test(id) ? parseInt(id.slice(0, 8), 16) * 1000 : fallback;

const clampIso = (ms: number) =>
  formatTimestamp(Math.min(Math.max(ms, TIMESTAMP_MIN_MS), TIMESTAMP_MAX_MS));
/** Trello dates are ISO 8601 in UTC ("2027-01-15T12:00:00.000Z"); anything else counts as none. */
const dateOf = (value: string | null | undefined) => {
  const ms = value ? parseTimestamp(value) : undefined;
  return ms === undefined ? undefined : ms;
};

/** Text cut to the import's limits (code points, as the schema counts them). */
const cut = (text: string, max: number) => {
  const points = [...text];
  return points.length <= max ? text : points.slice(0, max - 1).join('') + '…';
};
/** One line of text within `max`, else the first of `fallbacks` that has some text. */
const line = (text: string, max: number, ...fallbacks: string[]): string => {
  for (const candidate of [text, ...fallbacks]) {
    const trimmed = candidate.replace(/\s+/g, ' ').trim();
    if (trimmed) return cut(trimmed, max);
  }
  return '—';
};

export interface TrelloSkipped {
  /** Always 0 since archived cards are imported as archived tasks (kept for older clients). */
  archivedCards: number;
  cardsOfArchivedLists: number;
  /** Cards naming a list the export does not hold (a damaged or hand-edited file). */
  cardsWithoutList: number;
}

export function trelloToDocument(
  board: Board,
  importer: string,
  now: number,
): { document: Document; skipped: TrelloSkipped } {
  const at = clampIso(createdAtOf(board.id, now));
  const openLists = board.lists
    .filter((list) => !list.closed)
    .sort((a, b) => (a.pos ?? 0) - (b.pos ?? 0));
  const statusOfList = new Map(
    openLists.map((list, i) => [list.id, statusOf(list.name, i, openLists.length)]),
  );
  const closedLists = new Set(board.lists.filter((list) => list.closed).map((l) => l.id));
  // Each open list becomes a column of its status; a status no list has gets a column of its own.
  // A board of more lists than a project holds columns keeps statuses only, as before columns.
  const columns: NonNullable<Document['columns']> = openLists.map((list) => ({
    name: line(list.name, 60, 'List'),
    category: statusOfList.get(list.id)!,
    color: null,
    wipLimit: null,
  }));
  for (const { name, category } of DEFAULT_COLUMNS) {
    if (!columns.some((c) => c.category === category))
      columns.push({ name, category, color: null, wipLimit: null });
  }
  const columnOfList = new Map(openLists.map((list, i) => [list.id, i]));
  const withColumns = columns.length <= MAX_COLUMNS;

  // Labels: named by their name, or by their colour when they have none; names made unique.
  const labelNames = new Map<string, string>();
  const taken = new Set<string>();
  const labels: Document['labels'] = [];
  for (const label of board.labels) {
    const base = line(label.name ?? '', 46, (label.color ?? '').replace('_', ' '), 'label');
    let name = base;
    for (let n = 2; taken.has(name.normalize('NFC')); n++) name = `${base} ${n}`;
    taken.add(name.normalize('NFC'));
    labelNames.set(label.id, name);
    labels.push({
      name,
      color: colourOf(label.color),
      createdAt: clampIso(createdAtOf(label.id, now)),
    });
  }

  const people = new Map(
    (board.members ?? []).map((m) => [m.id, m.fullName || m.username || 'someone']),
  );
  const checklists = [...(board.checklists ?? [])].sort((a, b) => (a.pos ?? 0) - (b.pos ?? 0));
  const comments = (board.actions ?? [])
    .filter((action) => action.type === 'commentCard')
    .map((action) => {
      const data = action.data as { text?: unknown; card?: { id?: unknown } } | undefined;
      const creator = action.memberCreator as
        { fullName?: unknown; username?: unknown } | undefined;
      return {
        cardId: typeof data?.card?.id === 'string' ? data.card.id : '',
        text: typeof data?.text === 'string' ? data.text : '',
        who:
          [creator?.fullName, creator?.username].find(
            (name): name is string => typeof name === 'string' && name.trim() !== '',
          ) ?? 'someone',
        at: dateOf(action.date) ?? createdAtOf(action.id, now),
      };
    })
    .filter((c) => c.text.trim() !== '')
    .sort((a, b) => a.at - b.at);

  const skipped: TrelloSkipped = { archivedCards: 0, cardsOfArchivedLists: 0, cardsWithoutList: 0 };
  const tasks: Document['tasks'] = [];
  for (const card of board.cards) {
    if (closedLists.has(card.idList)) {
      skipped.cardsOfArchivedLists++;
      continue;
    }
    const status = statusOfList.get(card.idList);
    if (!status) {
      skipped.cardsWithoutList++;
      continue;
    }
    const created = createdAtOf(card.id, now);
    const updated = Math.max(dateOf(card.dateLastActivity) ?? created, created);
    const due = dateOf(card.due);
    const items = checklists
      .filter((list) => list.idCard === card.id)
      .flatMap((list, _i, all) =>
        [...list.checkItems]
          .sort((a, b) => (a.pos ?? 0) - (b.pos ?? 0))
          .map((item) => ({
            // Several checklists on one card become one, each item named after its list.
            text: line(all.length > 1 ? `${list.name ?? ''}: ${item.name}` : item.name, 500, '—'),
            done: item.state === 'complete',
          })),
      )
      .slice(0, 200)
      .map((item, position) => ({
        ...item,
        position,
        createdAt: clampIso(created),
        updatedAt: clampIso(updated),
      }));
    tasks.push({
      title: line(card.name, 200, 'Untitled card'),
      description: card.desc ? cut(card.desc, 20_000) : null,
      status,
      priority: 'medium',
      position: card.pos ?? tasks.length,
      dueAt: due === undefined ? null : clampIso(due),
      // Trello does not say when a card was closed: its last activity is the nearest.
      ...(card.closed ? { archivedAt: clampIso(updated) } : {}),
      // No emails in a Trello export: the first member is named so that the answer can list it.
      assignee: card.idMembers?.length
        ? (people.get(card.idMembers[0]!) ?? card.idMembers[0]!)
        : null,
      createdBy: importer,
      version: 1,
      createdAt: clampIso(created),
      updatedAt: clampIso(updated),
      labels: [
        ...new Set(
          (card.idLabels ?? []).map((id) => labelNames.get(id)).filter((n) => n !== undefined),
        ),
      ].slice(0, 50),
      checklist: items,
      comments: comments
        .filter((c) => c.cardId === card.id)
        .slice(0, 10_000)
        .map((c) => ({
          author: importer,
          body: cut(`${c.who} (Trello): ${c.text}`, 10_000),
          createdAt: clampIso(c.at),
          updatedAt: clampIso(c.at),
        })),
      activity: [],
      ...(withColumns ? { column: columnOfList.get(card.idList)! } : {}),
    });
  }
  return {
    document: {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      project: {
        name: line(board.name, 100, 'Trello board'),
        description: board.desc ? cut(board.desc, 20_000) : null,
        createdBy: importer,
        createdAt: at,
        updatedAt: at,
      },
      members: [],
      labels,
      ...(withColumns ? { columns } : {}),
      tasks,
      activity: [],
    },
    skipped,
  };
}
