import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP side of a local AWS stand-in (the bus, SQS, Firehose): bound to 127.0.0.1 only, on
 * the port asked for or a free one, and closed with its open connections, so that a runtime's
 * stop never waits for an SDK client's kept-alive socket.
 */
export class LoopbackServer {
  private server?: Server;

  constructor(
    private readonly serve: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  ) {}

  /** Returns the endpoint URL, for an `AWS_ENDPOINT_URL_<SERVICE>` setting. */
  async listen(port = 0): Promise<string> {
    const server = createServer((request, response) => void this.serve(request, response));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
