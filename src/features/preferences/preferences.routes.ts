import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../access/caller.js';
import { authErrors, errors } from '../../platform/schemas.js';
import { UpdatePreferencesBody } from './preferences.schemas.js';
import type { PreferencesService } from './preferences.service.js';

export const preferencesRoutes: FastifyPluginAsyncTypebox<{
  preferences: PreferencesService;
}> = async (app, { preferences }) => {
  const tags = ['preferences'];

  app.get(
    '/me/preferences',
    {
      schema: {
        tags,
        summary: 'My language and theme for the web UI',
        response: { 200: Type.Ref('Preferences'), ...errors(401) },
      },
    },
    async (request) => preferences.get(requireAuth(request)),
  );

  app.patch(
    '/me/preferences',
    {
      schema: {
        tags,
        summary: 'Change my language or theme (the fields sent)',
        body: UpdatePreferencesBody,
        response: { 200: Type.Ref('Preferences'), ...errors(...authErrors) },
      },
    },
    async (request) => preferences.update(requireAuth(request), request.body),
  );
};
