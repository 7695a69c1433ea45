import { ApiError } from './api-error.ts';

/** How requests prove who is asking: the session cookie (staff) or a viewer token (learner, guardian). */
export type Credential =
  | { kind: 'session'; tenantId: string | null }
  | { kind: 'viewer'; token: string }
  | { kind: 'none' };

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** The CSRF token the server set at sign-in (a readable cookie), sent back on every change. */
export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === '__Host-ebb_csrf' || name === 'ebb_csrf') return rest.join('=');
  }
  return undefined;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function readError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? 'EBB_UNKNOWN', body.error.message, body.error.details);
  } catch {
    // not JSON: fall through to the status line
  }
  return new ApiError(res.status, 'HTTP_' + res.status, `The server answered ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}.`);
}

/**
 * Answers asked for before the app knew who is signed in (the first view's data, fetched beside
 * /auth/me instead of after it). A primed answer is used once, by a session in the tenant it was
 * asked in (or in the only tenant the server inferred); on any error the request is simply made again.
 */
const primed = new Map<string, { tenantId: string | null; answer: Promise<unknown> }>();

/** Starts GETs for a signed-in staff member's first view; `tenantId` as the app will most likely choose. */
export function primeGets(paths: string[], tenantId: string | null): void {
  const client = createApiClient(() => ({ kind: 'session', tenantId }));
  for (const path of paths) {
    const answer = client.get(path);
    answer.catch(() => undefined); // a failed guess is asked again, never reported
    primed.set(path, { tenantId, answer });
  }
}

/** Same-origin calls to the Ebb API with the current credential; errors carry the API's message. */
export function createApiClient(credential: () => Credential): ApiClient {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const c = credential();
    const early = method === 'GET' && c.kind === 'session' ? primed.get(path) : undefined;
    if (early) {
      primed.delete(path);
      if (c.kind === 'session' && (early.tenantId === null || early.tenantId === c.tenantId)) {
        try {
          return (await early.answer) as T;
        } catch {
          // asked again below, with this credential
        }
      }
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (c.kind === 'viewer') headers.Authorization = `Bearer ${c.token}`;
    if (c.kind === 'session') {
      if (c.tenantId) headers['X-Ebb-Tenant'] = c.tenantId;
      const csrf = method === 'GET' ? undefined : csrfToken();
      if (csrf) headers['X-Ebb-CSRF'] = csrf;
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', `Could not reach the Ebb server (${e instanceof Error ? e.message : String(e)}). Check that it is running.`);
    }
    if (!res.ok) throw await readError(res);
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') ? await res.json() : await res.text()) as T;
  };
  return {
    get: (path, query) => call('GET', withQuery(path, query)),
    send: (method, path, body) => call(method, path, body),
  };
}
