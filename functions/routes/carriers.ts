import type { RouteDeclaration } from './route.js';

const SIGNED_BY_SHIPPO =
  'Shippo signs every tracking webhook with an HMAC of the body (Shippo-Auth-Signature, secret in Secrets Manager) and can not send a bearer token.';

/** Labels from a label provider, tracking from its webhooks (docs/fulfillment.md, "Carriers"). */
export const CARRIER_ROUTES = [
  {
    method: 'POST',
    path: '/v1/fulfillment-orders/{fulfillmentOrderId}/labels',
    function: 'buyLabel',
    access: {
      roles: ['admin', 'ops', 'store'],
      scope: 'oms/fulfillment.write',
      resource: { location: 'record' },
    },
  },
  {
    method: 'POST',
    path: '/v1/carriers/shippo/tracking',
    function: 'shippoTracking',
    access: { signature: SIGNED_BY_SHIPPO },
  },
] as const satisfies readonly RouteDeclaration[];

/** The SLA: open work past its due-by, for ops. */
export const SLA_ROUTES = [
  {
    method: 'GET',
    path: '/v1/fulfillment-orders',
    function: 'listOverdueFulfillmentOrders',
    access: { roles: ['admin', 'ops'], scope: 'oms/fulfillment.read' },
  },
] as const satisfies readonly RouteDeclaration[];
