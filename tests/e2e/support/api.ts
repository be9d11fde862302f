// A minimal API client for test set-up and for "the other person" in the conflict test: it signs
// in like a browser (session cookie + CSRF token) and speaks the contract of issue 2.
export class ApiSession {
  private cookie = '';
  private csrf = '';

  constructor(readonly baseUrl: string) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; data: T; headers: Headers }> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie();
    if (setCookie.length > 0) this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
    const text = await response.text();
    const data = (text ? JSON.parse(text) : undefined) as T;
    return { status: response.status, data, headers: response.headers };
  }

  async ok<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const result = await this.request<T>(method, path, body, headers);
    if (result.status >= 400) {
      throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.data)}`);
    }
    return result;
  }

  async register(email: string, name: string, password: string): Promise<{ id: string }> {
    const { data } = await this.ok<{ user: { id: string }; csrfToken: string }>(
      'POST',
      '/auth/register',
      { email, name, password },
    );
    this.csrf = data.csrfToken;
    return data.user;
  }

  async login(email: string, password: string): Promise<{ id: string }> {
    const { data } = await this.ok<{ user: { id: string }; csrfToken: string }>(
      'POST',
      '/auth/login',
      { email, password },
    );
    this.csrf = data.csrfToken;
    return data.user;
  }

  /** The session cookie, to hand to a browser context. */
  cookies(): { name: string; value: string }[] {
    return this.cookie
      .split('; ')
      .filter(Boolean)
      .map((pair) => {
        const index = pair.indexOf('=');
        return { name: pair.slice(0, index), value: pair.slice(index + 1) };
      });
  }
}
