import { Type } from 'typebox';
import { Id, Nullable, StringEnum } from '../../platform/schemas.js';

export const SEARCH_PAGE_MAX = 50;
/** Ranked results are read by offset; pages past this depth are not served (refine the words). */
export const SEARCH_DEPTH_MAX = 1000;

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Words to find in task titles, descriptions and comments: each a word prefix, all required; case and accents ignored',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_PAGE_MAX, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const SearchHit = Type.Object(
  {
    task: Type.Ref('Task'),
    project: Type.Object({ id: Id, name: Type.String() }),
    match: StringEnum(['task', 'comment'] as const, {
      description: "Where the words were found: the task's title or description, or a comment",
    }),
    excerpt: Nullable(
      Type.String({
        description:
          'Plain text around the first word found in the description or the comment; null when only the title matched',
      }),
    ),
  },
  { $id: 'SearchHit' },
);

export const SearchPage = Type.Object({
  items: Type.Array(Type.Ref('SearchHit')),
  nextCursor: Nullable(Type.String()),
});
