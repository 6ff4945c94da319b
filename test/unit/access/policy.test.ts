import { describe, expect, it } from 'vitest';
import {
  mayActOn,
  mayCall,
  principalFromClaims,
  type Principal,
  type TokenAccess,
} from '../../../functions/domain/access.js';

const STOCK_WRITE: TokenAccess = {
  roles: ['admin', 'ops', 'store'],
  scope: 'oms/inventory.write',
  resource: { location: 'body' },
};
const RULES_READ: TokenAccess = { roles: ['admin', 'ops'], scope: 'oms/routing.read' };

const aPrincipal = (overrides: Partial<Principal>): Principal => ({
  sub: 'someone',
  role: 'ops',
  scopes: [],
  ...overrides,
});

describe('the principal of a token', () => {
  it('takes a person’s role from Cognito groups as API Gateway passes them, and a store’s locations', () => {
    const principal = principalFromClaims({
      sub: 'maria',
      'cognito:groups': '[store]',
      client_id: 'console',
      'custom:locations': 'STORE-A,STORE-B',
    });

    expect(principal).toEqual({
      sub: 'maria',
      role: 'store',
      clientId: 'console',
      scopes: [],
      locationIds: ['STORE-A', 'STORE-B'],
    });
  });

  it('gives the most powerful of several roles', () => {
    expect(principalFromClaims({ sub: 'x', 'cognito:groups': '[store ops]' }).role).toBe('ops');
  });

  it('limits a store whose token names no location to none', () => {
    expect(principalFromClaims({ sub: 'x', role: 'store' }).locationIds).toEqual([]);
  });

  it('makes a token without a role a machine client whose rights are its scopes', () => {
    const principal = principalFromClaims({ sub: 'c1', client_id: 'c1', scope: 'oms/inventory.read' }, [
      'oms/inventory.read',
    ]);

    expect(principal).toMatchObject({ role: 'integration', clientId: 'c1', scopes: ['oms/inventory.read'] });
    expect(principal).not.toHaveProperty('locationIds');
  });

  it('ignores scopes in a person’s token: a console client’s scopes grant nothing', () => {
    expect(
      principalFromClaims({ sub: 'x', role: 'customer_service', scope: 'oms/routing.write' }).scopes,
    ).toEqual([]);
  });
});

describe('may a principal call a route', () => {
  it('lets a role named by the route in, and no other', () => {
    expect(mayCall(aPrincipal({ role: 'ops' }), RULES_READ)).toEqual({ allowed: true });
    expect(mayCall(aPrincipal({ role: 'customer_service' }), RULES_READ)).toMatchObject({ allowed: false });
  });

  it('lets a machine client in by its scope alone', () => {
    const client = aPrincipal({ role: 'integration', scopes: ['oms/routing.read'] });
    expect(mayCall(client, RULES_READ)).toEqual({ allowed: true });
    expect(mayCall(client, STOCK_WRITE)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('scope'),
    });
  });

  it('refuses a principal limited to locations on a route that is not about a location', () => {
    const wms = aPrincipal({ role: 'integration', scopes: ['oms/routing.read'], locationIds: ['WH-1'] });
    expect(mayCall(wms, RULES_READ)).toMatchObject({ allowed: false });
    expect(mayCall(aPrincipal({ role: 'store', locationIds: ['S-1'] }), STOCK_WRITE)).toEqual({
      allowed: true,
    });
  });
});

describe('may a principal act on a resource', () => {
  const store = aPrincipal({ role: 'store', locationIds: ['S-1'] });

  it('allows only its own locations, every one of them', () => {
    expect(mayActOn(store, { locationIds: ['S-1'] })).toEqual({ allowed: true });
    expect(mayActOn(store, { locationIds: ['S-2', 'S-1'] })).toEqual({
      allowed: false,
      reason: 'Not allowed at location S-2.',
    });
  });

  it('does not limit a principal in a dimension it is not limited in', () => {
    expect(mayActOn(store, { channelIds: ['web'] })).toEqual({ allowed: true });
    expect(mayActOn(aPrincipal({ role: 'ops' }), { locationIds: ['anywhere'] })).toEqual({ allowed: true });
  });
});
