import { Type } from 'typebox';
import { PageQuery } from '../../platform/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../platform/schemas.js';

export const Role = StringEnum(['owner', 'editor', 'viewer']);

export const Project = Type.Object(
  {
    id: Id,
    name: Type.String(),
    description: Nullable(Type.String()),
    role: Role,
    createdBy: Id,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    taskCounts: Type.Object({
      todo: Type.Integer(),
      in_progress: Type.Integer(),
      done: Type.Integer(),
    }),
  },
  { $id: 'Project' },
);

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Description = Nullable(Type.String({ maxLength: 20_000 }));

export const CreateProjectBody = Type.Object(
  { name: Name, description: Type.Optional(Description) },
  { additionalProperties: false },
);

export const UpdateProjectBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  { additionalProperties: false, minProperties: 1 },
);

export const MemberParams = Type.Object({ projectId: Id, userId: Id });

export const Member = Type.Object({
  userId: Id,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  addedAt: Timestamp,
});

export const AddMemberBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }), role: Role },
  { additionalProperties: false },
);

export const UpdateMemberBody = Type.Object({ role: Role }, { additionalProperties: false });

export const ProjectPage = Type.Object({
  items: Type.Array(Type.Ref('Project')),
  nextCursor: Nullable(Type.String()),
});

export const ProjectListQuery = Type.Object(PageQuery, { additionalProperties: false });
