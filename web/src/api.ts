import { takeEarly } from './early';
import type { Session } from './session';

/**
 * The public API with the signed-in user's bearer token, nothing else: the console has no
 * privileges of its own. Errors are the API's problem documents (RFC 9457), shown as they come.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: { path: string; message: string }[] },
  ) {
    const fields = problem.errors?.map((error) => `${error.path}: ${error.message}`).join('; ');
    super(
      [problem.detail ?? problem.title ?? `The API answered ${status}.`, fields].filter(Boolean).join(' '),
    );
    this.name = 'ApiError';
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  /**
   * A change: sent with a fresh Idempotency-Key, so a retried click never acts twice, or with
   * the caller's key when the change must happen once whatever the page does (a label bought).
   */
  post<T>(path: string, body: unknown, method?: 'POST' | 'PUT', idempotencyKey?: string): Promise<T>;
}

export function createApi(baseUrl: string, session: Session, onUnauthorized: () => void): Api {
  const call = async <T>(path: string, init: RequestInit): Promise<T> => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${session.token}`);
    const url = `${baseUrl}${path}`;
    const early = init.method === 'GET' ? takeEarly(url, session.token) : undefined;
    const response = await (early ?? fetch(url, { ...init, headers }));
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.status === 401) onUnauthorized();
    if (!response.ok) throw new ApiError(response.status, (body ?? {}) as ApiError['problem']);
    return body as T;
  };
  return {
    get: (path) => call(path, { method: 'GET' }),
    post: (path, body, method = 'POST', idempotencyKey = crypto.randomUUID()) =>
      call(path, {
        method,
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
      }),
  };
}

/** A path segment, encoded once as the API decodes it once. */
export const segment = (value: string) => encodeURIComponent(value);
