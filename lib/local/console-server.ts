import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The OMS console (web/) on the local runtime: its built files under `/console/`, and the
 * `config.json` it reads at start, which locally says "same origin, sign in with the local token
 * issuer" (in AWS the stack writes one naming the API URL and the Cognito hosted UI, see
 * lib/console-site.ts). The build is Vite's (web/vite.config.ts), made by `npm run build:console`,
 * by `npm start` when there is none, and by the browser tests' global setup.
 */
export const CONSOLE_BASE_PATH = '/console/';
export const CONSOLE_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_ROOT, 'dist');

/** What the console reads from `config.json` (web/src/config.ts holds the same shape). */
export type ConsoleConfig =
  | { apiUrl: string; auth: { type: 'local' } }
  | { apiUrl: string; auth: { type: 'cognito'; domain: string; clientId: string } };

export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { apiUrl: '', auth: { type: 'local' } };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The headers CloudFront adds in AWS (lib/console-site.ts), so that a page that breaks under them
 * breaks on the laptop first. The API is on the same origin locally.
 */
export const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface ConsoleSiteOptions {
  /** The build output; web/dist unless told. */
  dist?: string;
  config?: ConsoleConfig;
}

/**
 * A request handler for the console's paths: answers GET and HEAD under `/console` and says
 * whether it did, so the HTTP server passes every other request on to the API.
 */
export function consoleSite(options: ConsoleSiteOptions = {}) {
  const dist = options.dist ?? CONSOLE_DIST;
  const config = JSON.stringify(options.config ?? LOCAL_CONSOLE_CONFIG);
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
    if (path !== '/console' && !path.startsWith(CONSOLE_BASE_PATH)) return false;
    if (method !== 'GET' && method !== 'HEAD') return false;
    request.resume();
    if (path === '/console') {
      response.writeHead(308, { location: CONSOLE_BASE_PATH }).end();
      return true;
    }
    serveFile(dist, path.slice(CONSOLE_BASE_PATH.length), config, method, response).catch(() =>
      response.destroy(),
    );
    return true;
  };
}

async function serveFile(
  dist: string,
  relative: string,
  config: string,
  method: string,
  response: ServerResponse,
): Promise<void> {
  for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) response.setHeader(name, value);
  if (relative === 'config.json')
    return send(response, method, 200, CONTENT_TYPES['.json']!, config, 'no-cache');
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return send(response, method, 400, 'text/plain', 'Malformed path.', 'no-store');
  }
  // The screens are one page: any path that is not a file is the page itself.
  const file = normalize(join(dist, extname(decoded) === '' ? 'index.html' : decoded));
  if (!file.startsWith(dist + sep))
    return send(response, method, 404, 'text/plain', 'Not found.', 'no-store');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    const missingBuild = !existsSync(join(dist, 'index.html'));
    const text = missingBuild
      ? 'The console is not built: run `npm run build:console` (npm start builds it when missing).'
      : 'Not found.';
    return send(response, method, 404, 'text/plain; charset=utf-8', text, 'no-store');
  }
  // Vite names every asset by its content hash, so those never change; the page itself always may.
  const caching = decoded.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  send(response, method, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body, caching);
}

function send(
  response: ServerResponse,
  method: string,
  status: number,
  contentType: string,
  body: string | Buffer,
  cacheControl: string,
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': cacheControl,
  });
  response.end(method === 'HEAD' ? undefined : body);
}

/** Builds the console with Vite into web/dist (a few seconds); the output is never committed. */
export async function buildConsole(): Promise<void> {
  // Loaded only when building: the runtime itself never needs Vite.
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/** `npm start`: builds the console when there is no build yet. */
export async function ensureConsoleBuilt(): Promise<'built' | 'present'> {
  if (existsSync(join(CONSOLE_DIST, 'index.html'))) return 'present';
  await buildConsole();
  return 'built';
}
