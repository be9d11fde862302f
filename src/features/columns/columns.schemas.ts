import { Type } from 'typebox';
import { Id, Nullable, StringEnum, Timestamp } from '../../platform/schemas.js';

/** The most columns one project's board holds. */
export const MAX_COLUMNS = 20;

const Category = StringEnum(['todo', 'in_progress', 'done'] as const, {
  description:
    'The status every task of the column has: "done", overdue and the metrics read it (several columns may share one)',
});

export const Column = Type.Object(
  {
    id: Id,
    projectId: Id,
    name: Type.String(),
    color: Nullable(Type.String({ description: 'Hex colour; null: the category colour' })),
    category: Category,
    position: Type.Integer({ description: 'Board order (ascending, 1…n)' }),
    wipLimit: Nullable(
      Type.Integer({
        minimum: 1,
        description: 'Work-in-progress limit: more active tasks than this is warned about',
      }),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Column' },
);

export const ColumnList = Type.Object({ items: Type.Array(Type.Ref('Column')) });

const Name = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' });
const Color = Nullable(
  Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'Hex colour, e.g. #2563eb' }),
);
const WipLimit = Nullable(Type.Integer({ minimum: 1, maximum: 999 }));
const BeforeId = Nullable(Id, {
  description: 'Place before this column of the project; null for the end',
});

export const CreateColumnBody = Type.Object(
  {
    name: Name,
    category: Category,
    color: Type.Optional(Color),
    wipLimit: Type.Optional(WipLimit),
    beforeId: Type.Optional(BeforeId),
  },
  { additionalProperties: false },
);

export const UpdateColumnBody = Type.Object(
  {
    name: Type.Optional(Name),
    color: Type.Optional(Color),
    wipLimit: Type.Optional(WipLimit),
    beforeId: Type.Optional(BeforeId),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'A column keeps its category; beforeId moves it',
  },
);

export const ColumnParams = Type.Object({ columnId: Id });

export const DeleteColumnQuery = Type.Object(
  {
    moveTo: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 36,
        description:
          "Another column of the project that receives the column's tasks (required when it holds any)",
      }),
    ),
  },
  { additionalProperties: false },
);
