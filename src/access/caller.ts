// Who is calling. The auth feature resolves a session cookie or an API token into an AuthContext
// (auth.plugin.ts); every other feature only reads it from here, so none imports the auth feature
// to know who acts.
import type { FastifyRequest } from 'fastify';
import { Unauthenticated } from '../platform/errors.js';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'user';
  createdAt: string;
}

export interface AuthContext {
  user: PublicUser;
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The caller's identity, or 401. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw Unauthenticated();
  return request.auth;
}
