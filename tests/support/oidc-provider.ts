// A real OpenID Connect provider for the single sign-on tests: oidc-provider (OpenID-certified)
// on its own HTTP server on 127.0.0.1, one confidential client, and a minimal sign-in page of
// ours instead of its development pages (those load web fonts from the internet). The accounts
// are whatever the test puts in `accounts`: the login name is the subject.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, ProviderAccount>;
  /**
   * The provider goes down as it sends the next browser back to the client (before the answer
   * leaves): the client's exchange of the code finds nobody, whenever it comes.
   */
  goDownOnNextReturn(): void;
  stop(): Promise<void>;
}

const page = (uid: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><main><h1>Test provider</h1>
<form method="post" action="/interaction/${uid}">
<label>Account <input name="login" autocomplete="off" required></label>
<button type="submit">Continue to TaskManager</button>
</form></main></body></html>`;

async function formBody(request: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return new URLSearchParams(body);
}

export async function startTestProvider(redirectUris: string[]): Promise<TestProvider> {
  const accounts = new Map<string, ProviderAccount>();
  const clientId = 'taskmanager';
  const clientSecret = 'test-client-secret-that-is-long-enough';
  let goDown = false;
  let closing: Promise<unknown> | undefined;
  const down = () => {
    // No new connections; kept-alive idle ones (the client's pool) end now.
    closing ??= new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    return closing;
  };
  const server = http.createServer((request, response) => {
    if (goDown) {
      const writeHead = response.writeHead.bind(response);
      response.writeHead = ((...args: Parameters<typeof writeHead>) => {
        const location = String(response.getHeader('location') ?? '');
        if (redirectUris.some((uri) => location.startsWith(uri))) {
          goDown = false;
          void down();
          response.setHeader('connection', 'close');
        }
        return writeHead(...args);
      }) as typeof response.writeHead;
    }
    void (async () => {
      // Requests arrive only once the provider below exists (the server listens for its issuer URL).
      const p = provider;
      const match = /^\/interaction\/([\w-]+)$/.exec(request.url ?? '');
      if (!match) return p.callback()(request, response);
      const details = await p.interactionDetails(request, response);
      if (request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return response.end(page(details.uid));
      }
      const accountId = (await formBody(request)).get('login') ?? '';
      // Sign-in and consent at once: the test client is first-party.
      const grant = new p.Grant({ accountId, clientId });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await p.interactionFinished(
        request,
        response,
        { login: { accountId }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    })().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-provider-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: () => ({ sub, ...account }) };
    },
  });

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    goDownOnNextReturn: () => {
      goDown = true;
    },
    stop: async () => {
      server.closeAllConnections();
      await down();
    },
  };
}
