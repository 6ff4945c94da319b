import { EVERY_READER, type RouteDeclaration } from './route.js';

/** Customer service after the sale (docs/customer-service.md), served by one function. */
export const SERVICE_ROUTES = [
  {
    method: 'POST',
    path: '/v1/orders/{orderId}/cancel',
    function: 'serviceApi',
    access: { roles: EVERY_READER, scope: 'oms/orders.write', resource: { channel: 'record' } },
  },
  {
    method: 'PUT',
    path: '/v1/orders/{orderId}/shipping-address',
    function: 'serviceApi',
    access: { roles: EVERY_READER, scope: 'oms/orders.write', resource: { channel: 'record' } },
  },
  {
    method: 'GET',
    path: '/v1/orders/{orderId}/history',
    function: 'serviceApi',
    access: { roles: EVERY_READER, scope: 'oms/orders.read', resource: { channel: 'record' } },
  },
  {
    method: 'POST',
    path: '/v1/returns',
    function: 'serviceApi',
    access: { roles: EVERY_READER, scope: 'oms/returns.write', resource: { channel: 'record' } },
  },
  {
    method: 'POST',
    path: '/v1/returns/{returnId}/receive',
    function: 'serviceApi',
    access: {
      roles: [...EVERY_READER, 'store'],
      scope: 'oms/returns.write',
      resource: { location: 'body' },
    },
  },
  {
    method: 'GET',
    path: '/v1/returns/{returnId}',
    function: 'serviceApi',
    access: { roles: EVERY_READER, scope: 'oms/orders.read', resource: { channel: 'record' } },
  },
] as const satisfies readonly RouteDeclaration[];
