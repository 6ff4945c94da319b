import { ACCESS_ROUTES } from './access.js';
import { ADMIN_ROUTES } from './admin.js';
import { FULFILLMENT_ROUTES } from './fulfillment.js';
import { CARRIER_ROUTES, SLA_ROUTES } from './carriers.js';
import { INVENTORY_ROUTES } from './inventory.js';
import { OPERATIONS_ROUTES } from './operations.js';
import { ORDER_ROUTES } from './orders.js';
import { ROUTING_ROUTES } from './routing.js';
import { SERVICE_ROUTES } from './service.js';
import { CUSTOMER_ROUTES } from './customers.js';
import { REPORT_ROUTES } from './reports.js';
import { DEAD_LETTER_ROUTES } from './dead-letters.js';

export type { RouteDeclaration } from './route.js';

/** Every HTTP route of the OMS, one table per capability. */
export const ROUTES = [
  ...ORDER_ROUTES,
  ...ROUTING_ROUTES,
  ...INVENTORY_ROUTES,
  ...ACCESS_ROUTES,
  ...ADMIN_ROUTES,
  ...FULFILLMENT_ROUTES,
  ...SERVICE_ROUTES,
  ...CARRIER_ROUTES,
  ...SLA_ROUTES,
  ...CUSTOMER_ROUTES,
  ...REPORT_ROUTES,
  ...OPERATIONS_ROUTES,
  ...DEAD_LETTER_ROUTES,
] as const;
