// Each caller reads its own writes when reads may go to a replica (db/read-routing.ts). A write
// (any unsafe request of a signed-in caller) is remembered in this process and sent back as a
// cookie, so that the caller's next read is kept off a replica that lacks the write also when it
// lands on another worker or replica of the service. The cookie only steers the caller's own
// reads (to the primary at most MAX_LAG_MS longer than needed), so it needs no signature.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { CLOCK_SKEW_MS, MAX_LAG_MS } from '../db/read-routing.js';
import type { ReadRouting } from '../db/read-routing.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const lastWriteCookieName = (config: Readonly<Config>) =>
  config.cookieSecure ? '__Host-tm_last_write' : 'tm_last_write';

export function registerReadYourWrites(
  app: FastifyInstance,
  reads: ReadRouting,
  config: Readonly<Config>,
): void {
  const cookieName = lastWriteCookieName(config);
  const maxAge = Math.ceil((MAX_LAG_MS + 2 * CLOCK_SKEW_MS) / 1000);

  // After the authentication hook: the caller is known.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const userId = request.auth?.user.id;
    const sent = Number(request.cookies[cookieName]);
    if (userId && Number.isSafeInteger(sent) && sent > 0) reads.wrote(userId, sent);
  });

  // Before the answer leaves, so that no next request of the caller can overtake the mark.
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const userId = request.auth?.user.id;
    if (!userId || SAFE_METHODS.has(request.method)) return payload;
    reads.wrote(userId);
    void reply.setCookie(cookieName, String(reads.lastWrite(userId)), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      maxAge,
    });
    return payload;
  });
}
