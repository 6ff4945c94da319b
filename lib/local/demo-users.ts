import type { Role, Scope } from '../../functions/domain/access.js';

/**
 * The people and machine clients of the demo retailer, one per role and one per demo store. The
 * local token issuer (tokens.ts) knows them: `POST /_local/token {"role": "store"}` is a token for
 * the first store user, `{"role": "store", "sub": "rui"}` for Rui at Colombo. In AWS they would be
 * Cognito users in the group of their role (docs/security.md).
 */
export interface DemoUser {
  sub: string;
  role: Role;
  description: string;
  locationIds?: string[];
  channelIds?: string[];
  scopes?: Scope[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { sub: 'alice', role: 'admin', description: 'configures the OMS and its routing rules' },
  { sub: 'oscar', role: 'ops', description: 'runs operations: reads everything, moves stock' },
  { sub: 'carla', role: 'customer_service', description: 'answers customers about their orders' },
  { sub: 'maria', role: 'store', description: 'Lisbon Chiado store', locationIds: ['STORE-LIS-CHIADO'] },
  { sub: 'rui', role: 'store', description: 'Lisbon Colombo store', locationIds: ['STORE-LIS-COLOMBO'] },
  { sub: 'ines', role: 'store', description: 'Porto Santa Catarina store', locationIds: ['STORE-POR-BAIXA'] },
  { sub: 'pablo', role: 'store', description: 'Madrid Puerta del Sol store', locationIds: ['STORE-MAD-SOL'] },
  {
    sub: 'wms-lisbon',
    role: 'integration',
    description: 'the Lisbon warehouse WMS: reads and moves stock at WH-LIS',
    scopes: ['oms/inventory.read', 'oms/inventory.write'],
    locationIds: ['WH-LIS'],
  },
  {
    sub: 'web-storefront',
    role: 'integration',
    description: "the web shop: reads its channel's availability and orders",
    scopes: ['oms/availability.read', 'oms/orders.read'],
    channelIds: ['web'],
  },
];
