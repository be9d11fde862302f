import { Type } from 'typebox';
import { Id, Timestamp } from '../../platform/schemas.js';

/** The most items one task's checklist holds: a checklist, not a task list of its own. */
export const MAX_CHECKLIST_ITEMS = 200;

export const ChecklistItem = Type.Object(
  {
    id: Id,
    taskId: Id,
    text: Type.String(),
    done: Type.Boolean(),
    position: Type.Integer({ description: 'Order within the checklist (ascending)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ChecklistItem' },
);

export const ChecklistItemList = Type.Object({ items: Type.Array(Type.Ref('ChecklistItem')) });

const Text = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });

export const CreateChecklistItemBody = Type.Object(
  { text: Text, done: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const UpdateChecklistItemBody = Type.Object(
  {
    text: Type.Optional(Text),
    done: Type.Optional(Type.Boolean()),
    beforeId: Type.Optional(
      Type.Union([Id, Type.Null()], {
        description: 'Move before this item of the same checklist; null for the end',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChecklistItemParams = Type.Object({ itemId: Id });
