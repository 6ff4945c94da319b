import { EVERY_READER, type RouteDeclaration } from './route.js';

export const INVENTORY_ROUTES = [
  {
    method: 'POST',
    path: '/v1/inventory/movements',
    function: 'postInventoryMovement',
    access: {
      roles: ['admin', 'ops', 'store'],
      scope: 'oms/inventory.write',
      resource: { location: 'body' },
    },
  },
  {
    method: 'POST',
    path: '/v1/locations/{locationId}/pos-sales',
    function: 'postPosSales',
    access: {
      roles: ['admin', 'ops', 'store'],
      scope: 'oms/inventory.write',
      resource: { location: 'path' },
    },
  },
  {
    method: 'GET',
    path: '/v1/inventory/{sku}',
    function: 'getSkuInventory',
    access: { roles: EVERY_READER, scope: 'oms/inventory.read' },
  },
  {
    method: 'GET',
    path: '/v1/locations/{locationId}/inventory',
    function: 'getLocationInventory',
    access: {
      roles: [...EVERY_READER, 'store'],
      scope: 'oms/inventory.read',
      resource: { location: 'path' },
    },
  },
  {
    method: 'GET',
    path: '/v1/channels/{channelId}/availability',
    function: 'getChannelAvailability',
    access: { roles: ['admin', 'ops'], scope: 'oms/availability.read', resource: { channel: 'path' } },
  },
  {
    method: 'GET',
    path: '/v1/replenishment/suggestions',
    function: 'getReplenishmentSuggestions',
    access: { roles: ['admin', 'ops'], scope: 'oms/inventory.read' },
  },
] as const satisfies readonly RouteDeclaration[];
