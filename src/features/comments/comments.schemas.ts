import { Type } from 'typebox';
import { PageQuery } from '../../platform/pagination.js';
import { Id, Nullable, Timestamp } from '../../platform/schemas.js';

export const Comment = Type.Object(
  {
    id: Id,
    taskId: Id,
    author: Type.Object({ id: Id, name: Type.String() }),
    body: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Comment' },
);

export const CommentPage = Type.Object({
  items: Type.Array(Type.Ref('Comment')),
  nextCursor: Nullable(Type.String()),
});

export const CommentListQuery = Type.Object(PageQuery, { additionalProperties: false });

export const CreateCommentBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' }) },
  { additionalProperties: false },
);

export const CommentParams = Type.Object({ commentId: Id });
