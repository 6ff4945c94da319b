import type { RouteDeclaration } from './route.js';

/** Ops acting on orders that wait (docs/runbook.md): send one back through the router. */
export const OPERATIONS_ROUTES = [
  {
    method: 'POST',
    path: '/v1/orders/{orderId}/route',
    function: 'rerouteOrder',
    access: { roles: ['admin', 'ops'], scope: 'oms/orders.route', resource: { channel: 'record' } },
  },
] as const satisfies readonly RouteDeclaration[];
