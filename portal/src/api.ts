// The only way the portal talks to Berth: /api/v2.0/ and the sign-in endpoints under /c/.
// Session cookie + CSRF header on every state-changing request; errors carry the API's message.

export const API = '/api/v2.0';
const CSRF_HEADER = 'X-Harbor-CSRF-Token';
const CSRF_COOKIE = '__csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = '',
  ) {
    super(message);
  }
}

/** Called when the API answers 401 to a signed-in page: the session has expired or ended. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

export function csrfToken(): string {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return '';
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export interface Page<T> {
  items: T[];
  total: number;
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`.trim();
  let code = '';
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text);
      const first = body?.errors?.[0];
      if (first?.message) message = first.message;
      if (first?.code) code = first.code;
    } catch {
      if (text && text.length < 300 && !text.trimStart().startsWith('<')) message = text;
    }
  } catch {
    // no body
  }
  return new ApiError(res.status, message, code);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  /** Do not treat 401 as an expired session (sign-in itself, the first "who am I"). */
  quiet401?: boolean;
}

export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.body instanceof URLSearchParams) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (!SAFE.has(method)) {
    const token = csrfToken();
    if (token) headers[CSRF_HEADER] = token;
  }
  const url = withQuery(path.startsWith('/c/') ? path : API + path, opts.query);
  const res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) onUnauthorized();
    throw await errorOf(res);
  }
  return res;
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  async get<T>(path: string, query?: Query, opts: RequestOptions = {}): Promise<T> {
    return json<T>(await request(path, { ...opts, query }));
  },
  async text(path: string): Promise<string> {
    return (await request(path, { headers: { Accept: 'text/plain, */*' } })).text();
  },
  async page<T>(path: string, query?: Query): Promise<Page<T>> {
    const res = await request(path, { query });
    const items = (await json<T[]>(res)) ?? [];
    const header = res.headers.get('X-Total-Count');
    return { items, total: header === null ? items.length : Number(header) };
  },
  async post<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T> {
    return json<T>(await request(path, { method: 'POST', body, query }));
  },
  /** POST that answers 201 with a Location: returns the location. */
  async create(path: string, body?: unknown, query?: Query): Promise<string> {
    const res = await request(path, { method: 'POST', body, query });
    return res.headers.get('Location') ?? '';
  },
  async put<T = unknown>(path: string, body?: unknown): Promise<T> {
    return json<T>(await request(path, { method: 'PUT', body }));
  },
  async patch<T = unknown>(path: string, body?: unknown): Promise<T> {
    return json<T>(await request(path, { method: 'PATCH', body }));
  },
  async del(path: string): Promise<void> {
    await request(path, { method: 'DELETE' });
  },
};

/** Harbor addresses a repository below its project with "/" double-encoded. */
export function repoPath(repoName: string): string {
  return encodeURIComponent(encodeURIComponent(repoName));
}

export function seg(s: string | number): string {
  return encodeURIComponent(String(s));
}

export async function signIn(principal: string, password: string): Promise<void> {
  const body = new URLSearchParams({ principal, password });
  await request('/c/login', { method: 'POST', body, quiet401: true });
}

/**
 * Ends the session. Harbor's answer for an OIDC user in oidc_auth mode is 403 with
 * `{"redirect_location": ".../c/oidc/logout"}`: the browser must go there (Berth ends the session
 * there and, with oidc_logout, sends the browser on to the provider). Returns that location, if any.
 */
export async function signOut(): Promise<string | null> {
  const res = await fetch('/c/log_out', { credentials: 'same-origin' });
  if (res.status !== 403) return null;
  try {
    const to = (await res.json())?.redirect_location;
    if (typeof to !== 'string') return null;
    const url = new URL(to, window.location.href);
    return url.pathname.endsWith('/c/oidc/logout') ? url.href : null;
  } catch {
    return null;
  }
}

/** Harbor's q= syntax: k=v terms joined by commas; "~" for "contains". */
export function q(terms: Record<string, string | undefined>): string | undefined {
  const parts = Object.entries(terms)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : undefined;
}
