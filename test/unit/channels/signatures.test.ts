import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../../functions/channels/index.js';
import { UnauthorizedError } from '../../../functions/domain/errors.js';
import { CHANNEL_FORMATS } from '../../../functions/domain/channel.js';
import { lowerCaseHeaders, requestUrl } from '../../../functions/shared/http.js';
import { anApiEvent } from '../../helpers/factories.js';
import { INGEST_URL, NOW, SECRET, aRequest, signatureHeaders } from './helpers.js';

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

describe('Square signature over the URL rebuilt from the request', () => {
  // Square signs the notification URL it was given (INGEST_URL); the handler can only rebuild
  // it from what API Gateway or a proxy passes on, so each part of it must match.
  const registered = new URL(INGEST_URL);
  const squareDelivery = (
    overrides: { host?: string; proto?: string; path?: string; query?: Record<string, string> } = {},
  ) => {
    const event = anApiEvent({
      method: 'POST',
      path: overrides.path ?? registered.pathname,
      body,
      headers: {
        host: overrides.host ?? registered.host,
        'x-forwarded-proto': overrides.proto ?? 'https',
        ...signatureHeaders('square', body),
      },
      ...(overrides.query && { query: overrides.query }),
    });
    return { headers: lowerCaseHeaders(event.headers), rawBody: body, url: requestUrl(event) };
  };
  const authenticate = (request: ReturnType<typeof squareDelivery>) =>
    adapterFor('square')!.authenticate(request, SECRET, NOW);

  it('verifies a delivery whose host, scheme and path rebuild the registered URL', () => {
    const request = squareDelivery();
    expect(request.url).toBe(INGEST_URL);
    expect(() => authenticate(request)).not.toThrow();
  });

  it.each([
    { part: 'host', overrides: { host: 'oms-internal.example.com' } },
    { part: 'scheme', overrides: { proto: 'http' } },
    { part: 'path', overrides: { path: '/v1/channels/other-store/orders' } },
    { part: 'query', overrides: { query: { replay: '1' } } },
  ])('rejects a delivery whose $part differs from the registered URL', ({ overrides }) => {
    const request = squareDelivery(overrides);
    expect(request.url).not.toBe(INGEST_URL);
    expect(() => authenticate(request)).toThrow(UnauthorizedError);
  });
});
