import { DomainError } from '../../domain/errors.js';

/**
 * GET with retries for the channel APIs that thin webhooks send us to (Square, BigCommerce).
 * A 429 or 5xx, or a network failure, is retried with exponential backoff (honoring Retry-After
 * when the API sends one); any other 4xx is our mistake or a revoked token and fails at once.
 * Every attempt has a timeout, a whole operation (all its requests, retries and backoff) a
 * budget, and no response body is read past a size cap: a slow, endless or huge response can
 * neither hang the function until Lambda kills it nor exhaust its memory.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 4000 };

/** The wait for one attempt: its response headers and its whole body. */
export const DEFAULT_TIMEOUT_MS = 3_000;
/**
 * One operation's budget. The ingest function has 10 s (lib/topology.ts): this leaves it time to
 * store the order, or to answer 503 so that the channel delivers the webhook again.
 */
export const DEFAULT_BUDGET_MS = 7_000;
/** Far above any order the OMS can store (an order item must fit DynamoDB's 400 KB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

export interface HttpClientOptions {
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  budgetMs?: number;
  maxResponseBytes?: number;
  /** Injected by tests so backoff does not make them slow. */
  sleep?: (milliseconds: number) => Promise<void>;
}

/**
 * A channel's API failed, did not answer in time, or answered what we can not use. Not the
 * caller's fault: the HTTP API answers 503 with Retry-After, so that a channel delivers its
 * webhook again later, and the Amazon poller resumes from its checkpoint on its next run.
 */
export class ChannelApiError extends DomainError {
  readonly kind = 'unavailable';
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

/** When an operation started with these options must be over (epoch milliseconds). */
export function deadlineOf(options: Pick<HttpClientOptions, 'budgetMs'>): number {
  return Date.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS);
}

/**
 * Returns 2xx and 404 responses; throws ChannelApiError for everything else once retries run out
 * or the operation's `deadline` (from deadlineOf, shared by the operation's requests) is near.
 */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  options: HttpClientOptions = {},
  deadline = deadlineOf(options),
): Promise<JsonResponse> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? sleepFor;
  const what = `GET ${redact(url)}`;
  let lastFailure = 'no time left for a first attempt';
  let attempts = 0;
  while (attempts < policy.maxAttempts) {
    let retryAfterMs: number | undefined;
    const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, deadline - Date.now());
    if (timeoutMs <= 0) break;
    attempts += 1;
    try {
      const response = await fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json', ...headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok || response.status === 404) {
        const text = await readText(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, what);
        return { status: response.status, body: text.trim() === '' ? undefined : JSON.parse(text) };
      }
      lastFailure = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) {
        throw new ChannelApiError(`${what} failed with HTTP ${response.status}.`, response.status);
      }
      retryAfterMs = retryAfterMilliseconds(response.headers.get('retry-after'));
      await response.body?.cancel();
    } catch (error) {
      if (error instanceof ChannelApiError) throw error;
      lastFailure = failureOf(error, timeoutMs);
    }
    if (attempts < policy.maxAttempts) {
      const backoff = policy.baseDelayMs * 2 ** (attempts - 1);
      const delay = Math.min(policy.maxDelayMs, retryAfterMs ?? backoff);
      if (Date.now() + delay >= deadline) break;
      await sleep(delay);
    }
  }
  const outOfTime = attempts < policy.maxAttempts ? ', out of time for another' : '';
  throw new ChannelApiError(`${what} failed after ${attempts} attempts${outOfTime} (${lastFailure}).`);
}

/** What went wrong with an attempt, for the error message: a timeout says how long it waited. */
export function failureOf(error: unknown, timeoutMs: number): string {
  const { name, message } = error as Error;
  return name === 'TimeoutError' ? `no complete response within ${timeoutMs} ms` : message;
}

/**
 * The body as text, refused at once when it is larger than `maxBytes`, whether the response says
 * so (Content-Length) or only its bytes do (chunked, or a server that never stops sending).
 */
export async function readText(response: Response, maxBytes: number, what: string): Promise<string> {
  const tooLarge = () => new ChannelApiError(`${what} answered with more than ${maxBytes} bytes.`);
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
}

function retryAfterMilliseconds(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/** Error messages end up in logs: keep the path, drop the query string. */
function redact(url: string): string {
  return url.split('?')[0] ?? url;
}
