import { Type } from 'typebox';
import { Id, Timestamp } from '../../platform/schemas.js';

export const Label = Type.Object(
  { id: Id, projectId: Id, name: Type.String(), color: Type.String(), createdAt: Timestamp },
  { $id: 'Label' },
);

export const CreateLabelBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }),
    color: Type.Optional(
      Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'Hex colour, e.g. #2563eb' }),
    ),
  },
  { additionalProperties: false },
);

export const LabelList = Type.Object({ items: Type.Array(Type.Ref('Label')) });
export const LabelParams = Type.Object({ labelId: Id });
