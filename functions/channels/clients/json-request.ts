import * as z from 'zod';
import { parseJsonKeepingBigIntegers } from '../common.js';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, failureOf, readText, type RetryPolicy } from './http.js';

/**
 * Requests of any method to a channel's API, for the clients that write to it (functions/channels/
 * updates). Like getJson (./http.ts) every attempt has a timeout, the operation a deadline, and
 * no body is read past a size cap. What differs is what may be repeated: a read is retried on a
 * 429, a 5xx or a network failure; a write only on a 429, which the channel answers before it
 * does anything. A write that timed out or met a 5xx may have happened, so it is not repeated
 * here: the failure goes back to the queue, whose next delivery starts with the channel-side
 * check ("is this tracking number already on a fulfillment?") before it writes again.
 */
export interface JsonRequestOptions {
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Injected by tests so backoff does not make them slow. */
  sleep?: (milliseconds: number) => Promise<void>;
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Epoch milliseconds by which the whole operation must be over. */
  deadline: number;
}

export interface JsonAnswer {
  status: number;
  /** Parsed JSON; undefined for an empty body. */
  body: unknown;
}

/**
 * The channel did not do what was asked. `retryable` says whether asking again later can help
 * (rate limit, outage, timeout) or never will (a 4xx: a wrong id, a revoked token, a refusal).
 */
export class ChannelRequestError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChannelRequestError';
  }
}

/** Far above any answer these endpoints give (an order's fulfillment orders, notes or refunds). */
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;
/** How much of a refusal's body goes into the error message, which ends up in logs. */
const DETAIL_CHARS = 300;

const sleepFor = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Answers 2xx; throws ChannelRequestError for everything else, once retries (if allowed) run out. */
export async function requestJson(
  request: JsonRequest,
  options: JsonRequestOptions = {},
): Promise<JsonAnswer> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? sleepFor;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const what = `${request.method} ${request.url.split('?')[0]}`;
  const isRead = request.method === 'GET';
  let lastFailure = 'no time left for a first attempt';
  let attempts = 0;
  while (attempts < policy.maxAttempts) {
    const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, request.deadline - Date.now());
    if (timeoutMs <= 0) break;
    attempts += 1;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await readText(response, maxBytes, what).catch((error: unknown) => {
        throw new ChannelRequestError((error as Error).message, true);
      });
      if (response.ok) return { status: response.status, body: parseJson(text, what) };
      lastFailure = `HTTP ${response.status}`;
      const rateLimited = response.status === 429;
      if (!rateLimited && response.status < 500) {
        const detail = text.trim().slice(0, DETAIL_CHARS);
        throw new ChannelRequestError(
          `${what} was refused with HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
          false,
          response.status,
        );
      }
      if (!rateLimited && !isRead) {
        throw new ChannelRequestError(`${what} failed with HTTP ${response.status}.`, true, response.status);
      }
      retryAfterMs = retryAfterMilliseconds(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof ChannelRequestError) throw error;
      lastFailure = failureOf(error, timeoutMs);
      if (!isRead) throw new ChannelRequestError(`${what} failed: ${lastFailure}.`, true);
    }
    if (attempts < policy.maxAttempts) {
      const backoff = policy.baseDelayMs * 2 ** (attempts - 1);
      const delay = Math.min(policy.maxDelayMs, retryAfterMs ?? backoff);
      if (Date.now() + delay >= request.deadline) break;
      await sleep(delay);
    }
  }
  throw new ChannelRequestError(`${what} failed after ${attempts} attempts (${lastFailure}).`, true);
}

/**
 * A typed caller for one channel's API: every answer is checked against the schema the client
 * expects, so a changed or broken API fails here, with the channel's name, not deep in our code.
 */
export function channelApiCaller(
  channelName: string,
  root: string,
  headers: Record<string, string>,
  options: JsonRequestOptions,
) {
  return async function call<Schema extends z.ZodType>(
    method: JsonRequest['method'],
    path: string,
    deadline: number,
    schema: Schema,
    body?: unknown,
  ): Promise<z.output<Schema>> {
    const answer = await requestJson({ method, url: `${root}${path}`, headers, body, deadline }, options);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      throw new ChannelRequestError(
        `${channelName} ${method} ${path} answered an unexpected shape: ${z.prettifyError(parsed.error)}`,
        true,
      );
    }
    return parsed.data;
  };
}

function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    // Shopify's ids are JSON numbers beyond 2^53, which JSON.parse would round.
    return parseJsonKeepingBigIntegers(text);
  } catch {
    throw new ChannelRequestError(`${what} answered something that is not JSON.`, true);
  }
}

function retryAfterMilliseconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
