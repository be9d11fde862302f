import type { RateLimitOptions } from '@fastify/rate-limit';
import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { AppError } from '../../platform/errors.js';
import { readJsonObject } from '../../platform/json-stream.js';
import type { KeepElement } from '../../platform/json-stream.js';
import { authErrors, errors, ProjectParams } from '../../platform/schemas.js';
import {
  CsvImportBody,
  CsvImportResult,
  CsvPreview,
  ExportQuery,
  IMPORT_BODY_LIMIT,
  IMPORT_JSON_LIMIT,
  ImportResult,
  ProjectDocument,
  TrelloImportResult,
} from './transfer.schemas.js';
import { keepOfTrello, TrelloBoard } from './trello.js';
import type { TransferService } from './transfer.service.js';

/** The per-user limits of the imports and of the CSV preview (@fastify/rate-limit route config). */
export interface ImportLimits {
  import: RateLimitOptions;
  preview: RateLimitOptions;
}

export const transferRoutes: FastifyPluginAsyncTypebox<{
  transfer: TransferService;
  limits: ImportLimits;
}> = async (app, { transfer, limits }) => {
  const tags = ['projects'];

  app.get(
    '/projects/:projectId/export',
    {
      schema: {
        tags,
        summary: 'Download a project: the whole project as JSON, or its tasks as CSV (members)',
        params: ProjectParams,
        querystring: ExportQuery,
        response: {
          200: {
            description: 'An attachment (Content-Disposition), streamed',
            content: {
              'application/json': { schema: Type.Ref('ProjectDocument') },
              'text/csv': {
                schema: Type.String({
                  description: 'RFC 4180, UTF-8 with a byte-order mark, a header row',
                }),
              },
            },
          },
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const { stream, fileName, contentType } = await transfer.exportProject(
        requireAuth(request),
        request.params.projectId,
        request.query.format ?? 'json',
      );
      return reply
        .header('content-type', contentType)
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  // The two JSON imports read their body as it arrives (platform/json-stream.ts), up to
  // IMPORT_JSON_LIMIT: neither the file's text nor what the import ignores is ever held whole.
  await app.register(async (context) => {
    const streamed = context.withTypeProvider<TypeBoxTypeProvider>();
    streamed.removeContentTypeParser('application/json');
    const parseWith =
      (keep?: KeepElement) =>
      (
        _request: FastifyRequest,
        payload: Readable,
        done: (error: Error | null, body?: unknown) => void,
      ) => {
        readJsonObject(payload, { maxBytes: IMPORT_JSON_LIMIT, keep }).then(
          (body) => done(null, body),
          (error: Error) => done(error),
        );
      };
    const limit = `${IMPORT_JSON_LIMIT / 1024 / 1024} MiB`;

    await streamed.register(async (documents) => {
      documents.addContentTypeParser('application/json', parseWith());
      documents.withTypeProvider<TypeBoxTypeProvider>().post(
        '/projects/import',
        {
          onRequest: refuseTooLarge(IMPORT_JSON_LIMIT),
          config: { rateLimit: limits.import },
          schema: {
            tags,
            summary: 'Import a project document as a new project (I become its owner)',
            description: `The body is a ProjectDocument as GET /projects/{projectId}/export writes it, at most ${limit}, read as it arrives. Members are matched by email to existing accounts; the answer lists who and what could not be matched. All or nothing.`,
            body: ProjectDocument,
            response: { 201: ImportResult, ...errors(...authErrors, 413, 415) },
          },
        },
        async (request, reply) =>
          reply.status(201).send(await transfer.importProject(requireAuth(request), request.body)),
      );
    });

    await streamed.register(async (boards) => {
      boards.addContentTypeParser('application/json', parseWith(keepOfTrello));
      boards.withTypeProvider<TypeBoxTypeProvider>().post(
        '/projects/import/trello',
        {
          onRequest: refuseTooLarge(IMPORT_JSON_LIMIT),
          config: { rateLimit: limits.import },
          schema: {
            tags,
            summary: 'Import a Trello board export (JSON) as a new project (I become its owner)',
            description: `The body is a board as Trello exports it (Board menu → Print, export and share → Export as JSON), at most ${limit}, read as it arrives (only the fields the import reads are kept). Lists become statuses by name (or place), archived cards come in archived, archived lists are left out, label colours kept, checklists in Trello's order, comments with their author's name. All or nothing.`,
            body: TrelloBoard,
            response: { 201: TrelloImportResult, ...errors(...authErrors, 413, 415) },
          },
        },
        async (request, reply) =>
          reply.status(201).send(await transfer.importTrello(requireAuth(request), request.body)),
      );
    });
  });

  const csvDoc = `The body holds the CSV text (at most ${IMPORT_BODY_LIMIT / 1024 / 1024} MiB, 10,000 rows) and, optionally, which column holds each field; without a mapping, columns are matched by their header names (title, description, status, priority, due date, labels, assignee; our own CSV export's names included). Statuses: the name of one of the project's columns (the task goes into it), else todo, in_progress, done (or "To do", "In progress", "Done": that status' first column); priorities: low, medium, high, urgent; dates: 2026-12-31 (the end of that day, UTC) or an RFC 3339 time; labels: names of the project's labels separated by ; or ,; assignee: a member's email.`;

  app.post(
    '/projects/:projectId/import/csv/preview',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      onRequest: refuseTooLarge(IMPORT_BODY_LIMIT),
      config: { rateLimit: limits.preview },
      schema: {
        tags,
        summary:
          'Check a CSV file of tasks against the project (editor): mapping, problems per row, a sample; writes nothing',
        description: csvDoc,
        params: ProjectParams,
        body: CsvImportBody,
        response: { 200: CsvPreview, ...errors(...authErrors, 413, 415) },
      },
    },
    async (request) =>
      transfer.previewCsv(requireAuth(request), request.params.projectId, request.body),
  );

  app.post(
    '/projects/:projectId/import/csv',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      onRequest: refuseTooLarge(IMPORT_BODY_LIMIT),
      config: { rateLimit: limits.import },
      schema: {
        tags,
        summary: 'Add the tasks of a CSV file to the project (editor), at the end of their columns',
        description: `${csvDoc} All or nothing: one invalid row is a 400 listing every problem (details: rows.<row>.<field>), unless skipInvalid is true.`,
        params: ProjectParams,
        body: CsvImportBody,
        response: { 201: CsvImportResult, ...errors(...authErrors, 413, 415) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await transfer.importCsv(requireAuth(request), request.params.projectId, request.body),
        ),
  );
};

/** A clear answer before the body is read, for a declared length over the limit. */
const refuseTooLarge = (limit: number) => async (request: FastifyRequest) => {
  if (Number(request.headers['content-length'] ?? 0) > limit)
    throw new AppError('PAYLOAD_TOO_LARGE', `An import is at most ${limit / 1024 / 1024} MiB`, {
      maxBytes: limit,
    });
};
