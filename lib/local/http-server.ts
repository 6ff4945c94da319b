import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { requiresToken } from '../../functions/domain/access.js';
import type { RouteSpec } from '../topology.js';
import { LOCAL_ACCOUNT } from './lambda.js';
import type { JwtAuthorizerContext } from './tokens.js';

/**
 * API Gateway (HTTP API, payload format 2.0) in front of the handlers: matches ROUTES, verifies
 * the bearer token of a route that needs one (the JWT authorizer), turns the request into the
 * event API Gateway would send, and writes the handler's result back. Written
 * by hand because the tools that do this (serverless-offline, SAM CLI) bring their own framework
 * or Docker; this needs only node:http.
 */
export interface LocalHttpServerOptions {
  routes: readonly RouteSpec[];
  invoke(route: RouteSpec, event: APIGatewayProxyEventV2): Promise<unknown>;
  /** GET endpoints of the local runtime itself (inspection), answered with their JSON. */
  localEndpoints?: Record<string, () => unknown>;
  /** POST endpoints of the local runtime itself (control), given the parsed JSON body. */
  localPostEndpoints?: Record<string, (body: unknown) => unknown>;
  /** Injected fault (lib/local/faults.ts): drop the connection once the handler has answered. */
  dropResponse?: (method: string, route: RouteSpec) => boolean;
  /**
   * The JWT authorizer: verifies the Authorization header of a request to a route that needs a
   * token and rejects when API Gateway would answer 401. Without it such routes answer 401.
   */
  verifyToken?: (authorization: string | undefined) => Promise<JwtAuthorizerContext>;
  /** Static files in front of the API (the console, lib/local/console-server.ts): true when it answered. */
  staticSite?: (request: IncomingMessage, response: ServerResponse) => boolean;
  onRequest?: (request: { method: string; path: string; statusCode: number; durationMs: number }) => void;
  onInvocationError?: (error: unknown, route: RouteSpec) => void;
}

/** API Gateway refuses payloads above 10 MB before any function runs. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Problem documents of the runtime itself, in the RFC 9457 shape of functions/shared/http.ts.
 * Not imported from there: that module builds the Powertools logger on import, and it must be
 * built after the runtime has set the functions' environment.
 */
const PROBLEM_BASE = 'https://oms.dev/problems/';

export interface RouteMatch {
  route: RouteSpec;
  pathParameters: Record<string, string>;
}

/** A match whose parameters are undefined where the path's percent-encoding is malformed. */
export interface RawRouteMatch {
  route: RouteSpec;
  pathParameters: Record<string, string | undefined>;
}

export interface RequestSnapshot {
  method: string;
  /** Path and query as sent, e.g. `/v1/orders/01J?expand=lines`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  sourceIp: string;
  /** Port the client connected to, for x-forwarded-port. */
  port: number;
}

export class LocalHttpServer {
  private readonly server: Server;
  private ready = false;

  constructor(private readonly options: LocalHttpServerOptions) {
    this.server = createServer((request, response) => void this.handle(request, response));
    // Requests Node refuses before any handler runs (headers or URL over 16 KB, malformed
    // HTTP) are answered as problems too, as API Gateway answers them, not with a bare status.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      const status = tooLarge ? 431 : 400;
      const title = tooLarge ? 'Request header fields too large' : 'Bad request';
      const body = JSON.stringify({
        type: `${PROBLEM_BASE}${tooLarge ? 'headers-too-large' : 'bad-request'}`,
        title,
        status,
        detail: tooLarge ? 'The request line and headers are over 16 KB.' : 'The request is not valid HTTP.',
      });
      socket.end(
        `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
  }

  /** Binds now; GET /health answers 503 until markReady(), so callers can wait on it. */
  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  markReady(): void {
    this.ready = true;
  }

  /** Safe to call more than once, or on a server that never listened. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';
    response.on('finish', () =>
      this.options.onRequest?.({
        method,
        path,
        statusCode: response.statusCode,
        durationMs: Date.now() - started,
      }),
    );

    if (method === 'GET' && path === '/health') {
      return this.ready
        ? sendJson(response, 200, { status: 'ok' })
        : sendJson(response, 503, { status: 'starting' });
    }
    if (this.options.staticSite?.(request, response)) return;
    // Until the tables exist and the pollers run, a request would fail inside a handler as a
    // 500; a client that posted too early is told to come back, as a starting service would.
    if (!this.ready) {
      request.resume();
      response.setHeader('retry-after', '1');
      return sendProblem(
        response,
        503,
        'starting',
        'Starting',
        'The local runtime is still starting; retry shortly.',
      );
    }
    const localEndpoint = method === 'GET' ? this.options.localEndpoints?.[path] : undefined;
    if (localEndpoint) return sendJson(response, 200, localEndpoint());
    const localPostEndpoint = method === 'POST' ? this.options.localPostEndpoints?.[path] : undefined;
    if (localPostEndpoint) return answerLocalPost(request, response, localPostEndpoint);

    const match = matchRoute(this.options.routes, method, path);
    if (!match) {
      request.resume();
      return sendProblem(response, 404, 'not-found', 'Not found', `No route for ${method} ${path}.`);
    }
    const malformed = Object.entries(match.pathParameters).find(([, value]) => value === undefined);
    if (malformed) {
      request.resume();
      return sendProblem(
        response,
        400,
        'validation',
        'Invalid request',
        `The path parameter ${malformed[0]} is not valid percent-encoding.`,
        { errors: [{ path: malformed[0], message: 'is not valid percent-encoding' }] },
      );
    }
    let authorizer: JwtAuthorizerContext | undefined;
    if (requiresToken(match.route.access)) {
      try {
        if (!this.options.verifyToken) throw new Error('No JWT authorizer is configured.');
        authorizer = await this.options.verifyToken(request.headers.authorization);
      } catch (error) {
        request.resume();
        response.setHeader('www-authenticate', 'Bearer');
        return sendProblem(response, 401, 'unauthorized', 'Unauthorized', (error as Error).message);
      }
    }
    const body = await readBody(request, MAX_PAYLOAD_BYTES);
    if (body === undefined) return sendPayloadTooLarge(response);
    const snapshot: RequestSnapshot = {
      method,
      url,
      headers: request.headers,
      body,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      port: request.socket.localPort ?? 0,
    };
    try {
      const event = toApiGatewayEvent(snapshot, match as RouteMatch, authorizer);
      const result = await this.options.invoke(match.route, event);
      if (this.options.dropResponse?.(method, match.route)) return void response.destroy();
      writeResult(response, result);
    } catch (error) {
      this.options.onInvocationError?.(error, match.route);
      sendProblem(response, 500, 'internal', 'Internal error', 'The function failed; see the runtime log.');
    }
  }
}

/** Matches `{name}` segments and a trailing greedy `{name+}`, as API Gateway does. */
export function matchRoute(
  routes: readonly RouteSpec[],
  method: string,
  path: string,
): RawRouteMatch | undefined {
  const segments = path.split('/').slice(1);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pathParameters = matchTemplate(route.path.split('/').slice(1), segments);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}

function matchTemplate(
  template: string[],
  segments: string[],
): Record<string, string | undefined> | undefined {
  const parameters: Record<string, string | undefined> = {};
  for (const [index, part] of template.entries()) {
    const name = /^\{([^}]+)\}$/.exec(part)?.[1];
    if (name?.endsWith('+')) {
      const rest = segments.slice(index);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      parameters[name.slice(0, -1)] = safeDecode(rest.join('/'));
      return parameters;
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    if (name) {
      if (segment === '') return undefined;
      parameters[name] = safeDecode(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return segments.length === template.length ? parameters : undefined;
}

/**
 * Decodes a parameter once, as API Gateway does; handlers never decode again. Malformed
 * encoding (`%ZZ`) gives undefined, answered 400: passing it on raw would let `%ZZ` and a
 * later decode disagree about what the id is.
 */
function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * The event API Gateway (HTTP API, payload 2.0) sends for a request; on a route with the JWT
 * authorizer, the verified claims and scopes are at `requestContext.authorizer.jwt`.
 */
export function toApiGatewayEvent(
  request: RequestSnapshot,
  match: RouteMatch,
  authorizer?: JwtAuthorizerContext,
): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = request.url.split(/\?(.*)/s, 2);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-for'] = request.sourceIp;
  headers['x-forwarded-port'] = String(request.port);
  headers['x-forwarded-proto'] = 'http';
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const queryStringParameters = queryParameters(rawQueryString);
  const routeKey = `${match.route.method} ${match.route.path}`;
  const now = new Date();
  const host = headers.host ?? '127.0.0.1';
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies?.length && { cookies }),
    headers,
    ...(queryStringParameters && { queryStringParameters }),
    ...(Object.keys(match.pathParameters).length > 0 && { pathParameters: match.pathParameters }),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(12).toString('base64'),
      routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
      ...(authorizer && { authorizer: { jwt: authorizer } }),
    },
    ...(request.body !== '' && { body: request.body }),
    isBase64Encoded: false,
  };
}

/** Repeated keys are joined with commas, as API Gateway does in payload 2.0. */
function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2026:19:03:58 +0000`, API Gateway's requestContext.time format. */
function apiGatewayTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const day = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  return `${day}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * Reads the body up to `limitBytes`; past it, stops keeping chunks and returns undefined once
 * the rest is drained, so an oversized upload never sits in memory. The answer waits for the
 * end of the upload: answering and closing while the client still writes resets the connection,
 * and the client sees the reset instead of the 413.
 */
function readBody(request: IncomingMessage, limitBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = Number(request.headers['content-length'] ?? 0) > limitBytes ? Infinity : 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    request.once('end', () =>
      resolve(size <= limitBytes ? Buffer.concat(chunks).toString('utf8') : undefined),
    );
    request.once('error', reject);
  });
}

/** A local control endpoint: its JSON answer, or 400 for a body or settings it refuses. */
async function answerLocalPost(
  request: IncomingMessage,
  response: ServerResponse,
  endpoint: (body: unknown) => unknown,
): Promise<void> {
  const body = await readBody(request, MAX_PAYLOAD_BYTES);
  try {
    const parsed: unknown = body ? JSON.parse(body) : {};
    sendJson(response, 200, await endpoint(parsed));
  } catch (error) {
    const issues = (error as { issues?: unknown }).issues;
    sendProblem(response, 400, 'bad-request', 'Bad request', (error as Error).message, {
      ...(issues !== undefined && { errors: issues }),
    });
  }
}

/** A structured result is used as is; anything else is a 200 JSON body (API Gateway's inference). */
function writeResult(response: ServerResponse, result: unknown): void {
  const structured = result as APIGatewayProxyStructuredResultV2 | undefined;
  if (typeof structured !== 'object' || structured === null || typeof structured.statusCode !== 'number') {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    response.setHeader(name, String(value));
  if (structured.cookies?.length) response.setHeader('set-cookie', structured.cookies);
  const body = structured.body ?? '';
  response
    .writeHead(structured.statusCode)
    .end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function sendPayloadTooLarge(response: ServerResponse): void {
  response.setHeader('connection', 'close');
  sendProblem(response, 413, 'payload-too-large', 'Payload too large', 'The request body is over 10 MB.', {
    limitBytes: MAX_PAYLOAD_BYTES,
  });
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendProblem(
  response: ServerResponse,
  statusCode: number,
  type: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): void {
  response
    .writeHead(statusCode, { 'content-type': 'application/problem+json' })
    .end(
      JSON.stringify({ type: `${PROBLEM_BASE}${type}`, title, status: statusCode, detail, ...extensions }),
    );
}
