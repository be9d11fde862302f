import { Type } from 'typebox';
import { Id, StringEnum, Timestamp } from '../../platform/schemas.js';

/** The screens a view opens. */
export const VIEW_KINDS = ['board', 'list'] as const;

/** The filters a view may hold: the web UI's query-string names on the board and the list. */
export const FILTER_KEYS = ['q', 'assignee', 'label', 'priority', 'due', 'status', 'sort'] as const;

const Name = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' });
const Query = Type.String({
  maxLength: 1000,
  description: `The filters as a URL query string without "?" (${FILTER_KEYS.join(', ')}; each at most once); answered normalized`,
});

export const SavedView = Type.Object(
  {
    id: Id,
    projectId: Id,
    name: Type.String(),
    view: StringEnum(VIEW_KINDS),
    query: Query,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'SavedView' },
);

export const CreateViewBody = Type.Object(
  { name: Name, view: StringEnum(VIEW_KINDS), query: Query },
  { additionalProperties: false },
);

export const UpdateViewBody = Type.Object(
  {
    name: Type.Optional(Name),
    view: Type.Optional(StringEnum(VIEW_KINDS)),
    query: Type.Optional(Query),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ViewParams = Type.Object({ viewId: Id });
