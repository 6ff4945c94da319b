import { INVENTORY_ROUTES } from './inventory.js';
import { ORDER_ROUTES } from './orders.js';
import { ROUTING_ROUTES } from './routing.js';
import { SERVICE_ROUTES } from './service.js';

export type { RouteDeclaration } from './route.js';

/** Every HTTP route of the OMS, one table per capability. */
export const ROUTES = [...ORDER_ROUTES, ...ROUTING_ROUTES, ...INVENTORY_ROUTES, ...SERVICE_ROUTES] as const;
