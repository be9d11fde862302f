import { Type } from 'typebox';
import { Id, Timestamp } from '../../platform/schemas.js';

export const Label = Type.Object(
  { id: Id, projectId: Id, name: Type.String(), color: Type.String(), createdAt: Timestamp },
  { $id: 'Label' },
);

const Name = Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' });
const Color = Type.String({
  pattern: '^#[0-9a-fA-F]{6}$',
  description: 'Hex colour, e.g. #2563eb',
});

export const CreateLabelBody = Type.Object(
  { name: Name, color: Type.Optional(Color) },
  { additionalProperties: false },
);

export const UpdateLabelBody = Type.Object(
  { name: Type.Optional(Name), color: Type.Optional(Color) },
  { additionalProperties: false, minProperties: 1 },
);

export const MergeLabelBody = Type.Object(
  {
    into: Type.String({
      minLength: 1,
      maxLength: 36,
      description: 'Another label of the same project: it goes on every task of this one',
    }),
  },
  { additionalProperties: false },
);

export const LabelList = Type.Object({ items: Type.Array(Type.Ref('Label')) });
export const LabelParams = Type.Object({ labelId: Id });
