import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../../functions/channels/index.js';
import { UnauthorizedError } from '../../../functions/domain/errors.js';
import { CHANNEL_FORMATS } from '../../../functions/domain/channel.js';
import { NOW, SECRET, aRequest, signatureHeaders } from './helpers.js';

const body = '{"id":820982911946154508,"email":"jon@example.com"}';
const nonCanonical = CHANNEL_FORMATS.filter((format) => format !== 'canonical');

describe('adapter registry', () => {
  it.each(CHANNEL_FORMATS)('has an adapter for the %s format', (format) => {
    expect(adapterFor(format)?.format).toBe(format);
  });
});

describe.each(nonCanonical)('%s authentication', (format) => {
  const adapter = adapterFor(format)!;
  const authenticate = (rawBody: string, headers: Record<string, string | undefined>) =>
    adapter.authenticate(aRequest(rawBody, headers), SECRET, NOW);

  it('accepts a request signed with the channel secret', () => {
    expect(() => authenticate(body, signatureHeaders(format, body))).not.toThrow();
  });

  it('rejects a request signed with another secret', () => {
    expect(() => authenticate(body, signatureHeaders(format, body, 'another-secret'))).toThrow(
      UnauthorizedError,
    );
  });

  it('rejects a request without the signature header', () => {
    expect(() => authenticate(body, {})).toThrow(UnauthorizedError);
  });
});

// BigCommerce can not sign bodies (a shared-secret header authenticates it, and its thin
// webhook only names an order that is then fetched from BigCommerce itself).
const bodySigning = nonCanonical.filter((format) => format !== 'bigcommerce');

describe.each(bodySigning)('%s body signature', (format) => {
  it('rejects a body modified after signing', () => {
    const adapter = adapterFor(format)!;
    const tampered = aRequest(body.replace('jon@', 'eve@'), signatureHeaders(format, body));
    expect(() => adapter.authenticate(tampered, SECRET, NOW)).toThrow(UnauthorizedError);
  });
});

describe('Square authentication', () => {
  it('rejects a signature made for another notification URL', () => {
    const request = {
      ...aRequest(body, signatureHeaders('square', body)),
      url: 'https://evil.example.com/hook',
    };

    expect(() => adapterFor('square')!.authenticate(request, SECRET, NOW)).toThrow(UnauthorizedError);
  });
});
