import { Type } from 'typebox';
import { Id, Nullable, Timestamp } from '../../platform/schemas.js';

export const Attachment = Type.Object(
  {
    id: Id,
    taskId: Id,
    name: Type.String({ description: 'The file name given when uploaded' }),
    contentType: Type.String({
      description:
        'The type read from the bytes (png, jpeg, gif, webp, pdf, zip, gzip, text/plain, else application/octet-stream); what the client sent is never used',
    }),
    size: Type.Integer({ minimum: 1, description: 'Bytes' }),
    image: Type.Boolean({ description: 'A raster image: it may be the task cover' }),
    cover: Type.Boolean({ description: 'The cover of its task' }),
    uploadedBy: Type.Object({ id: Id, name: Type.String() }),
    createdAt: Timestamp,
    url: Type.String({ description: 'Where to download it (GET /attachments/{attachmentId})' }),
  },
  { $id: 'Attachment' },
);

export const AttachmentList = Type.Object({ items: Type.Array(Type.Ref('Attachment')) });

export const AttachmentParams = Type.Object({ attachmentId: Id });

export const UploadQuery = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'The file name: 1–255 characters once trimmed, no / or \\ or control characters',
    }),
  },
  { additionalProperties: false },
);

export const DownloadQuery = Type.Object(
  {
    inline: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1,
        description:
          '1: shown in the page (Content-Disposition: inline) if it is a raster image, as a cover; an attachment otherwise',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CoverBody = Type.Object(
  {
    attachmentId: Nullable(Id, {
      description: 'An image attachment of the task; null removes the cover',
    }),
  },
  { additionalProperties: false },
);

export const Cover = Type.Object({
  cover: Nullable(
    Type.Object({ attachmentId: Id, url: Type.String() }, { description: 'The cover image' }),
  ),
});
