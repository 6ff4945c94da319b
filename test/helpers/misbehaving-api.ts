import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A channel API on 127.0.0.1 that answers badly, for the clients' timeouts and size caps:
 * - `silent`: takes the request and never answers;
 * - `stalled`: sends the headers and the start of a JSON body, then nothing more;
 * - `endless`: sends a JSON body that never ends, as fast as the client reads it;
 * - `oversized`: declares a Content-Length of `declaredBytes` and sends nothing.
 * `close` ends the connections still open, so a test never waits for them.
 */
export type Misbehavior = 'silent' | 'stalled' | 'endless' | 'oversized';

export async function startMisbehavingApi(misbehavior: Misbehavior, declaredBytes = 10 * 1024 * 1024) {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    switch (misbehavior) {
      case 'silent':
        return;
      case 'stalled':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"order":');
        return;
      case 'endless':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('[');
        return sendForever(response);
      case 'oversized':
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(declaredBytes),
        });
        response.flushHeaders();
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const CHUNK = `${'{"sku":"SKU-1","quantity":1},'.repeat(1024)}`;

function sendForever(response: ServerResponse): void {
  const more = () => {
    while (!response.destroyed && response.write(CHUNK));
  };
  response.on('drain', more);
  more();
}
