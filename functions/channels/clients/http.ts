/**
 * GET with retries for the channel APIs that thin webhooks send us to (Square, BigCommerce).
 * A 429 or 5xx, or a network failure, is retried with exponential backoff (honoring Retry-After
 * when the API sends one); any other 4xx is our mistake or a revoked token and fails at once.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 4000 };

export interface HttpClientOptions {
  retry?: Partial<RetryPolicy>;
  /** Injected by tests so backoff does not make them slow. */
  sleep?: (milliseconds: number) => Promise<void>;
}

export class ChannelApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChannelApiError';
  }
}

export interface JsonResponse {
  status: number;
  /** Parsed JSON; undefined for an empty body (BigCommerce answers an empty list with 204). */
  body: unknown;
}

const sleepFor = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Returns 2xx and 404 responses; throws ChannelApiError for everything else once retries run out. */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  options: HttpClientOptions = {},
): Promise<JsonResponse> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? sleepFor;
  let lastFailure = '';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json', ...headers },
      });
      if (response.ok || response.status === 404) {
        const text = await response.text();
        return { status: response.status, body: text.trim() === '' ? undefined : JSON.parse(text) };
      }
      lastFailure = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) {
        throw new ChannelApiError(`GET ${redact(url)} failed with HTTP ${response.status}.`, response.status);
      }
      retryAfterMs = retryAfterMilliseconds(response.headers.get('retry-after'));
      await response.body?.cancel();
    } catch (error) {
      if (error instanceof ChannelApiError) throw error;
      lastFailure = (error as Error).message;
    }
    if (attempt < policy.maxAttempts) {
      const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
      await sleep(Math.min(policy.maxDelayMs, retryAfterMs ?? backoff));
    }
  }
  throw new ChannelApiError(
    `GET ${redact(url)} failed after ${policy.maxAttempts} attempts (${lastFailure}).`,
  );
}

function retryAfterMilliseconds(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/** Error messages end up in logs: keep the path, drop the query string. */
function redact(url: string): string {
  return url.split('?')[0] ?? url;
}
