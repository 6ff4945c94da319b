import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, inject, it } from 'vitest';

/**
 * The addresses the sockets listening on `port` are bound to, from the kernel's own table
 * (/proc/net/tcp and tcp6: hex address and port, state 0A is LISTEN). IPv6 addresses are shown
 * as the kernel writes them, IPv4-mapped ones included (::ffff:127.0.0.1).
 */
function listeningAddresses(port: number): string[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((row) => row.trim().split(/\s+/))
      .filter(([, local, , state]) => state === '0A' && Number.parseInt(local!.split(':')[1]!, 16) === port)
      .map(([, local]) => decodeAddress(local!.split(':')[0]!)),
  );
}

/** The kernel prints each 32-bit word of an address in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => [...Buffer.from(word, 'hex').reverse()]);
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  return Buffer.from(bytes).toString('hex');
}

function connectionOutcome(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const port = Number(new URL(inject('dynamodbEndpoint')).port);

describe('DynamoDB Local as the local runtime and the tests start it', () => {
  it.skipIf(process.platform !== 'linux')('listens on 127.0.0.1 only', () => {
    expect(listeningAddresses(port)).not.toHaveLength(0);
    for (const address of listeningAddresses(port))
      expect(['127.0.0.1', '::ffff:127.0.0.1']).toContain(address);
  });

  it('answers on the loopback and refuses connections to the machine’s other addresses', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
      .map((address) => address!.address);

    expect(await connectionOutcome('127.0.0.1', port)).toBe('connected');
    for (const address of others) expect(await connectionOutcome(address, port)).toBe('ECONNREFUSED');
  });
});
