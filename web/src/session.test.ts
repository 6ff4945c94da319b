import { describe, expect, it } from 'vitest';
import { areasOf, canServiceOrders, canWorkFulfillment, sessionFromToken } from './session';

const base64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const jwt = (claims: Record<string, unknown>) =>
  `eyJhbGciOiJSUzI1NiJ9.${base64Url(JSON.stringify(claims))}.signature`;

describe('the session read from an access token', () => {
  it("takes a store person's role from the groups and locations from the claim", () => {
    const session = sessionFromToken(
      jwt({
        sub: 'maria',
        username: 'maria',
        'cognito:groups': ['store'],
        locations: ['STORE-LIS-CHIADO'],
        exp: 2,
      }),
    );
    expect(session).toMatchObject({
      sub: 'maria',
      role: 'store',
      locationIds: ['STORE-LIS-CHIADO'],
      expiresAt: 2000,
    });
    expect(areasOf(session)).toEqual(['queue']);
    expect(canWorkFulfillment(session)).toBe(true);
    expect(canServiceOrders(session)).toBe(false);
  });

  it("reads Cognito's custom:locations written as a comma-separated string", () => {
    const session = sessionFromToken(
      jwt({ sub: 'x', 'cognito:groups': ['store'], 'custom:locations': 'STORE-A, STORE-B' }),
    );
    expect(session.locationIds).toEqual(['STORE-A', 'STORE-B']);
  });

  it('offers customer service the orders and stock only, and a machine client nothing', () => {
    expect(areasOf(sessionFromToken(jwt({ sub: 'carla', 'cognito:groups': ['customer_service'] })))).toEqual([
      'orders',
      'stock',
    ]);
    expect(areasOf(sessionFromToken(jwt({ sub: 'wms', scope: 'oms/inventory.read' })))).toEqual([]);
  });

  it('offers dead letters and KPIs to ops and admins only, as their routes allow', () => {
    for (const role of ['ops', 'admin']) {
      expect(areasOf(sessionFromToken(jwt({ sub: role, 'cognito:groups': [role] })))).toEqual(
        expect.arrayContaining(['dead-letters', 'kpis']),
      );
    }
    for (const role of ['customer_service', 'store']) {
      expect(areasOf(sessionFromToken(jwt({ sub: role, 'cognito:groups': [role] })))).not.toEqual(
        expect.arrayContaining(['dead-letters']),
      );
    }
  });

  it('decodes names outside ASCII', () => {
    expect(sessionFromToken(jwt({ sub: 'ines', username: 'Inês', 'cognito:groups': ['store'] })).name).toBe(
      'Inês',
    );
  });

  it('refuses a token that is not a JWT', () => {
    expect(() => sessionFromToken('not-a-jwt')).toThrow('not a JWT');
  });
});
