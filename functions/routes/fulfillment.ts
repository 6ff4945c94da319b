import type { RouteDeclaration } from './route.js';

/** The people who work on fulfillment orders; a store only at its own locations. */
const FULFILLERS = ['admin', 'ops', 'store'] as const;

/**
 * The actions a location takes through the API: the work, and its answer to a cancel request
 * (the state machine has more: `track` comes from carriers, `request-cancel` from customer service).
 */
export const FULFILLMENT_API_ACTIONS = [
  'accept',
  'reject',
  'pick',
  'pack',
  'ship',
  'ready-for-pickup',
  'picked-up',
  'receive',
  'accept-cancel',
  'refuse-cancel',
] as const;

export const FULFILLMENT_ROUTES = [
  {
    method: 'GET',
    path: '/v1/locations/{locationId}/fulfillment-orders',
    function: 'getWorkQueue',
    access: { roles: FULFILLERS, scope: 'oms/fulfillment.read', resource: { location: 'path' } },
  },
  {
    method: 'GET',
    path: '/v1/fulfillment-orders/{fulfillmentOrderId}',
    function: 'getFulfillmentOrder',
    access: {
      roles: [...FULFILLERS, 'customer_service'],
      scope: 'oms/fulfillment.read',
      resource: { location: 'record' },
    },
  },
  ...FULFILLMENT_API_ACTIONS.map(
    (action) =>
      ({
        method: 'POST',
        path: `/v1/fulfillment-orders/{fulfillmentOrderId}/${action}`,
        function: 'postFulfillmentAction',
        access: { roles: FULFILLERS, scope: 'oms/fulfillment.write', resource: { location: 'record' } },
      }) as const,
  ),
] as const satisfies readonly RouteDeclaration[];
