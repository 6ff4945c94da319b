import type { RouteDeclaration } from './route.js';

const READ = { roles: ['admin', 'ops'], scope: 'oms/config.read' } as const;
const WRITE = { roles: ['admin'], scope: 'oms/config.write' } as const;

export const ADMIN_ROUTES = [
  { method: 'GET', path: '/v1/locations', function: 'adminApi', access: READ },
  { method: 'GET', path: '/v1/locations/{locationId}', function: 'adminApi', access: READ },
  { method: 'PUT', path: '/v1/locations/{locationId}', function: 'adminApi', access: WRITE },
  { method: 'GET', path: '/v1/products', function: 'adminApi', access: READ },
  { method: 'GET', path: '/v1/products/{sku}', function: 'adminApi', access: READ },
  { method: 'PUT', path: '/v1/products/{sku}', function: 'adminApi', access: WRITE },
  { method: 'GET', path: '/v1/channels', function: 'adminApi', access: READ },
  { method: 'GET', path: '/v1/channels/{channelId}', function: 'adminApi', access: READ },
  { method: 'PUT', path: '/v1/channels/{channelId}', function: 'adminApi', access: WRITE },
  { method: 'PUT', path: '/v1/channels/{channelId}/secret', function: 'adminApi', access: WRITE },
] as const satisfies readonly RouteDeclaration[];
