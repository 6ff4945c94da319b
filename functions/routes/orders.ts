import { EVERY_READER, type RouteDeclaration } from './route.js';

const SIGNED_BY_CHANNEL =
  'Channels authenticate every order in the function with the HMAC signature or key their platform sends (secrets in Secrets Manager); platforms like Shopify can not send a bearer token.';

export const ORDER_ROUTES = [
  {
    method: 'POST',
    path: '/v1/channels/{channelId}/orders',
    function: 'postOrder',
    access: { signature: SIGNED_BY_CHANNEL },
  },
  {
    method: 'GET',
    path: '/v1/orders/{orderId}',
    function: 'getOrder',
    access: { roles: EVERY_READER, scope: 'oms/orders.read', resource: { channel: 'record' } },
  },
  {
    method: 'GET',
    path: '/v1/orders/{orderId}/tracking',
    function: 'getOrderTracking',
    access: { roles: EVERY_READER, scope: 'oms/orders.read', resource: { channel: 'record' } },
  },
  {
    method: 'GET',
    path: '/v1/orders',
    function: 'listOrders',
    access: { roles: EVERY_READER, scope: 'oms/orders.read' },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    function: 'openApi',
    access: { public: 'The OpenAPI document is the public contract integrators read; it holds no data.' },
  },
] as const satisfies readonly RouteDeclaration[];
