import type { Readable } from 'node:stream';
import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { AppError } from '../../platform/errors.js';
import { authErrors, errors, NoContent, TaskParams } from '../../platform/schemas.js';
import {
  AttachmentList,
  AttachmentParams,
  Cover,
  CoverBody,
  DownloadQuery,
  UploadQuery,
} from './attachments.schemas.js';
import type { AttachmentsService } from './attachments.service.js';
import { INLINE_IMAGE_TYPES } from './attachments.sniff.js';

const mib = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${bytes} bytes`;

/** `Content-Disposition` (RFC 6266): an ASCII fallback name and the exact one (RFC 8187). */
export function contentDisposition(type: 'attachment' | 'inline', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

export const attachmentsRoutes: FastifyPluginAsyncTypebox<{
  attachments: AttachmentsService;
}> = async (app, { attachments }) => {
  const tags = ['attachments'];
  const max = attachments.maxBytes;
  const tooLarge = () =>
    new AppError('PAYLOAD_TOO_LARGE', `An attachment is at most ${mib(max)}`, { maxBytes: max });

  app.get(
    '/tasks/:taskId/attachments',
    {
      schema: {
        tags,
        summary: 'The files attached to a task, newest first',
        params: TaskParams,
        response: { 200: AttachmentList, ...errors(400, 401, 404) },
      },
    },
    async (request) => ({
      items: await attachments.list(requireAuth(request), request.params.taskId),
    }),
  );

  // The upload takes the file itself as the body, whatever its type: a parser of its own, in
  // this context only, buffers it up to the limit (no multipart).
  await app.register(async (context) => {
    const upload = context.withTypeProvider<TypeBoxTypeProvider>();
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (_request: FastifyRequest, payload, done) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let finished = false;
      const finish = (error: Error | null, body?: Buffer) => {
        if (finished) return;
        finished = true;
        done(error, body);
      };
      payload.on('data', (chunk: Buffer) => {
        if (finished) return;
        size += chunk.length;
        if (size > max) {
          chunks.length = 0;
          // The rest is read and dropped, so that the client gets the answer, not a reset.
          finish(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      payload.on('end', () => finish(null, Buffer.concat(chunks)));
      payload.on('error', (error) => finish(error));
    });

    upload.post(
      '/tasks/:taskId/attachments',
      {
        // A declared length over the limit is refused before a byte is read.
        onRequest: async (request) => {
          if (Number(request.headers['content-length'] ?? 0) > max) throw tooLarge();
        },
        schema: {
          tags,
          summary: 'Attach a file to a task (editor): the body is the file, of any type',
          description: `The request body is the file's bytes (any Content-Type; it is ignored: the type is read from the bytes), at most ATTACHMENT_MAX_BYTES (${mib(max)} here; 413 with details.maxBytes beyond). The name (1–255 characters, no path separators or control characters) is a query parameter.`,
          params: TaskParams,
          querystring: UploadQuery,
          body: {
            content: {
              'application/octet-stream': {
                schema: { description: 'The file (any Content-Type is accepted)' },
              },
            },
          },
          response: { 201: Type.Ref('Attachment'), ...errors(...authErrors, 413) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await attachments.upload(
              requireAuth(request),
              request.params.taskId,
              request.query.name,
              Buffer.isBuffer(request.body) ? request.body : undefined,
            ),
          ),
    );
  });

  app.get(
    '/attachments/:attachmentId',
    {
      schema: {
        tags,
        summary: 'Download an attachment: its bytes, never rendered as a page',
        description:
          'Content-Type is the sniffed type; Content-Disposition is attachment (inline for a raster image with ?inline=1, e.g. a cover); X-Content-Type-Options: nosniff and Content-Security-Policy: sandbox always.',
        params: AttachmentParams,
        querystring: DownloadQuery,
        response: {
          200: {
            description: 'The file',
            content: {
              'application/octet-stream': {
                schema: Type.Unsafe<Buffer | Readable>({
                  type: 'string',
                  format: 'binary',
                  description: 'The bytes of the file',
                }),
              },
            },
          },
          304: { description: 'Not modified (If-None-Match)', type: 'null' },
          // 503: a file kept in an object store that cannot be reached (ATTACHMENTS_STORAGE).
          ...errors(400, 401, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const file = await attachments.download(requireAuth(request), request.params.attachmentId);
      const etag = `"${file.sha256}"`;
      const inline = request.query.inline === 1 && INLINE_IMAGE_TYPES.includes(file.contentType);
      void reply
        // The caller's browser alone, checked again each time (a member removed is refused).
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox');
      // Covers are revalidated on every board view: a 304 reads no bytes from any store.
      if (request.headers['if-none-match'] === etag)
        return reply.header('etag', etag).status(304).send(null);
      // Read before the file's own headers, so that a file gone from its store is a plain 404.
      const body = await file.open();
      return reply
        .header('etag', etag)
        .header(
          'content-disposition',
          contentDisposition(inline ? 'inline' : 'attachment', file.name),
        )
        .header(
          'content-type',
          file.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : file.contentType,
        )
        .header('content-length', file.size)
        .send(body);
    },
  );

  app.delete(
    '/attachments/:attachmentId',
    {
      schema: {
        tags,
        summary: 'Delete an attachment (editor); the task loses it as its cover',
        params: AttachmentParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await attachments.remove(requireAuth(request), request.params.attachmentId);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/tasks/:taskId/cover',
    {
      schema: {
        tags,
        summary: "Choose the task's cover image among its image attachments, or remove it (editor)",
        params: TaskParams,
        body: CoverBody,
        response: { 200: Cover, ...errors(...authErrors) },
      },
    },
    async (request) =>
      attachments.setCover(requireAuth(request), request.params.taskId, request.body.attachmentId),
  );
};
