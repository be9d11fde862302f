import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../access/caller.js';
import { errors } from '../../platform/schemas.js';
import { SearchPage, SearchQuery } from './search.schemas.js';
import type { SearchService } from './search.service.js';

export const searchRoutes: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (
  app,
  { search },
) => {
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary:
          'Search tasks in all my projects (title, description, comments): ranked, best first; word prefixes, all required',
        querystring: SearchQuery,
        response: { 200: SearchPage, ...errors(400, 401) },
      },
    },
    async (request) => search.search(requireAuth(request), request.query),
  );
};
