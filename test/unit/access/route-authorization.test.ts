import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '../../../functions/domain/errors.js';
import { actorFrom, authorizeRoute } from '../../../functions/shared/access.js';
import { anApiEvent, type TestPrincipal } from '../../helpers/factories.js';

const MARIA: TestPrincipal = { role: 'store', sub: 'maria', locationIds: ['STORE-A'] };
const locationInventory = (locationId: string, principal: TestPrincipal | null) =>
  anApiEvent({
    path: `/v1/locations/${locationId}/inventory`,
    routeKey: 'GET /v1/locations/{locationId}/inventory',
    pathParameters: { locationId },
    principal,
  });

describe("a route's own check, before its handler", () => {
  it("lets a store user read its own location's stock, and not another's", () => {
    expect(() => authorizeRoute(locationInventory('STORE-A', MARIA))).not.toThrow();
    expect(() => authorizeRoute(locationInventory('STORE-B', MARIA))).toThrow(ForbiddenError);
  });

  it('answers a token route reached without verified claims as unauthorized', () => {
    expect(() => authorizeRoute(locationInventory('STORE-A', null))).toThrow(UnauthorizedError);
  });

  it('refuses a route key nobody declared, so a new route is closed until it is', () => {
    const event = anApiEvent({ path: '/v1/secrets', routeKey: 'GET /v1/secrets' });
    expect(() => authorizeRoute(event)).toThrow(/No access is declared/);
  });

  it('needs no token on the public and signed routes', () => {
    const event = anApiEvent({ path: '/openapi.json', principal: null });
    expect(() => authorizeRoute(event)).not.toThrow();
  });
});

describe('the actor of a change', () => {
  it("is the token's subject, role and client, whatever the body says", () => {
    const event = anApiEvent({
      method: 'POST',
      path: '/v1/inventory/movements',
      body: JSON.stringify({ who: 'somebody else' }),
      principal: { ...MARIA, clientId: 'store-app' },
    });
    expect(actorFrom(event)).toEqual({ sub: 'maria', role: 'store', clientId: 'store-app' });
  });
});
