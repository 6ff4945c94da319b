import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONSOLE_SECURITY_HEADERS,
  LOCAL_CONSOLE_CONFIG,
  consoleSite,
} from '../../../lib/local/console-server.js';

/** The console's static files on a real loopback server, from a build made up for the test. */
let dist: string;
let empty: string;
const servers: Server[] = [];

async function serve(root: string): Promise<string> {
  const site = consoleSite({ dist: root });
  const server = createServer((request, response) => {
    if (!site(request, response)) response.writeHead(418).end('the API');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A GET sent exactly as written: fetch would resolve the dots before sending. */
function rawStatus(path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { path }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
}

let url: string;
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'console-dist-'));
  empty = await mkdtemp(join(tmpdir(), 'console-empty-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>OMS console</title>');
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(tmpdir(), 'console-secret.txt'), 'secret');
  url = await serve(dist);
});
afterAll(async () => {
  for (const server of servers) server.close();
  await rm(dist, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

describe('the console on the local runtime', () => {
  it('serves the page with no-cache and the security headers CloudFront adds in AWS', async () => {
    const response = await fetch(`${url}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS))
      expect(response.headers.get(name)).toBe(value);
    expect(await response.text()).toContain('OMS console');
  });

  it('serves hashed assets as immutable, with their type', async () => {
    const response = await fetch(`${url}/console/assets/index-abc123.js`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers config.json: same origin, local sign-in', async () => {
    expect(await (await fetch(`${url}/console/config.json`)).json()).toEqual(LOCAL_CONSOLE_CONFIG);
  });

  it('answers a path that is no file with the page, and /console with a redirect to /console/', async () => {
    expect(await (await fetch(`${url}/console/orders/01J`)).text()).toContain('OMS console');
    const redirect = await fetch(`${url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/console/');
  });

  it('answers HEAD with the headers only', async () => {
    const response = await fetch(`${url}/console/`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await response.text()).toBe('');
  });

  it('never serves a file outside the build, however the path is written', async () => {
    for (const path of [
      '/console/..%2fconsole-secret.txt',
      '/console/../../console-secret.txt',
      '/console/%2e%2e/console-secret.txt',
    ]) {
      expect(await rawStatus(path), path).toBe(404);
    }
    expect((await fetch(`${url}/console/%E0%A4%A.js`)).status).toBe(400);
    expect((await fetch(`${url}/console/missing.js`)).status).toBe(404);
  });

  it('leaves every other path and method to the API', async () => {
    expect((await fetch(`${url}/v1/orders/1`)).status).toBe(418);
    expect((await fetch(`${url}/consoles`)).status).toBe(418);
    expect((await fetch(`${url}/console/`, { method: 'POST' })).status).toBe(418);
  });

  it('says how to build the console when there is no build', async () => {
    const unbuilt = await serve(empty);
    const response = await fetch(`${unbuilt}/console/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npm run build:console');
  });
});
