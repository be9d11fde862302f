// The one HTTP client for tests against a running service (and bench/web): it signs in like a
// browser, keeping the session cookie and sending the CSRF token on writes. Suites that build the
// app in process use `Client` (tests/support/app.ts), which speaks through inject() instead.
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** `url` is the path on the service, e.g. `/api/v1/projects`. */
  async request<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const all: Record<string, string> = { ...headers };
    if (body !== undefined) all['content-type'] = 'application/json';
    if (this.cookie) all.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') all['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie().find((c) => /^(__Host-)?tm_session=/.test(c));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    const parsed: unknown =
      text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A request that must succeed: throws with the reply on a status of 400 or more. */
  async ok<T = any>(method: string, url: string, body?: unknown, headers?: Record<string, string>) {
    const reply = await this.request<T>(method, url, body, headers);
    if (reply.status >= 400) {
      throw new Error(`${method} ${url} → ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    return reply;
  }

  async register(email: string, password: string, name = 'Observer'): Promise<Reply> {
    const reply = await this.request('POST', '/api/v1/auth/register', { email, name, password });
    if (reply.status !== 201)
      throw new Error(`register: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.csrfToken = reply.body.csrfToken;
    return reply;
  }

  async login(email: string, password: string): Promise<Reply> {
    const reply = await this.request('POST', '/api/v1/auth/login', { email, password });
    if (reply.status === 200) this.csrfToken = reply.body.csrfToken;
    return reply;
  }

  /** The session cookie, to hand to a browser context. */
  cookies(): { name: string; value: string }[] {
    if (!this.cookie) return [];
    const index = this.cookie.indexOf('=');
    return [{ name: this.cookie.slice(0, index), value: this.cookie.slice(index + 1) }];
  }
}
