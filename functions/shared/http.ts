import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, PayloadTooLargeError, ValidationError } from '../domain/errors.js';
import { identifier, MAX_KEY_IDENTIFIER } from '../domain/text.js';
import { parseJson, parseOrThrow } from '../domain/validation.js';
import { logger, recordHandlerFailures } from './observability.js';

/**
 * HTTP plumbing shared by the API handlers: JSON and RFC 9457 problem responses, and the one
 * place where typed domain errors become status codes.
 */
export type HttpResponse = APIGatewayProxyStructuredResultV2;

const PROBLEM_BASE = 'https://oms.dev/problems/';

const STATUS_BY_KIND: Record<DomainError['kind'], { status: number; title: string }> = {
  validation: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unavailable: { status: 503, title: 'Service unavailable' },
  unprocessable: { status: 422, title: 'Unprocessable content' },
};

/** A caller told 503 retries after this long: a channel API's hiccup is usually over by then. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(
  statusCode: number,
  type: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: `${PROBLEM_BASE}${type}`,
      title,
      status: statusCode,
      detail,
      ...extensions,
    }),
  };
}

/** Maps a thrown error to a problem response; anything that is not a domain error is our fault. */
export function errorResponse(error: unknown, instance?: string): HttpResponse {
  if (error instanceof DomainError) {
    const { status, title } = STATUS_BY_KIND[error.kind];
    const extensions: Record<string, unknown> = instance ? { instance } : {};
    if (error instanceof ValidationError) extensions.errors = error.issues;
    if (error instanceof PayloadTooLargeError) extensions.limitBytes = error.limitBytes;
    if ('details' in error && error.details) Object.assign(extensions, error.details);
    const response = problem(status, error.kind.replaceAll('_', '-'), title, error.message, extensions);
    if (error.kind !== 'unavailable') return response;
    logger.warn('A service the request depends on failed', error);
    return {
      ...response,
      headers: { ...response.headers, 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
    };
  }
  logger.error('Unhandled error', error as Error);
  recordHandlerFailures(1);
  return problem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
}

/** API Gateway sends binary-looking bodies base64-encoded; signatures need the original bytes. */
export function rawBodyOf(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export const MAX_JSON_BODY_BYTES = 256 * 1024;

/**
 * A JSON request body no larger than `limitBytes`: every stored item must fit DynamoDB's 400 KB,
 * so a body that could not is answered 413 before anything is parsed or written.
 */
export function jsonBodyOf(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  limitBytes = MAX_JSON_BODY_BYTES,
): unknown {
  const rawBody = rawBodyOf(event);
  if (Buffer.byteLength(rawBody, 'utf8') > limitBytes) throw new PayloadTooLargeError(limitBytes);
  return parseJson(rawBody);
}

const PathIdentifier = identifier(MAX_KEY_IDENTIFIER);

/**
 * A path parameter as API Gateway decoded it (once; it is never decoded again), checked like
 * any other id before it reaches a key: present, at most 256 characters, no control characters
 * and no lone surrogates.
 */
export function pathParameter(event: Pick<APIGatewayProxyEventV2, 'pathParameters'>, name: string): string {
  return parseOrThrow(PathIdentifier, event.pathParameters?.[name] ?? '', `path parameter ${name}`, name);
}

/** A path for a `Location` header, each segment percent-encoded, so no id can make it invalid. */
export function pathOf(...segments: (string | number)[]): string {
  return segments.map((segment) => `/${encodeURIComponent(String(segment))}`).join('');
}

export function lowerCaseHeaders(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) result[name.toLowerCase()] = value;
  return result;
}

export function requestUrl(event: APIGatewayProxyEventV2): string {
  const host = event.headers?.host ?? event.requestContext.domainName;
  const proto = event.headers?.['x-forwarded-proto'] ?? 'https';
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return `${proto}://${host}${event.rawPath}${query}`;
}
