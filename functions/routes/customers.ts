import type { RouteDeclaration } from './route.js';

/**
 * Customers across channels and their personal data on request (docs/privacy.md), served by one
 * function. Customer service and ops; a caller limited to some channels or locations is refused,
 * since a customer spans every channel.
 */
const CUSTOMER_ROLES = ['admin', 'ops', 'customer_service'] as const;

export const CUSTOMER_ROUTES = [
  {
    method: 'GET',
    path: '/v1/customers',
    function: 'customersApi',
    access: { roles: CUSTOMER_ROLES, scope: 'oms/customers.read' },
  },
  {
    method: 'GET',
    path: '/v1/customers/{customerId}',
    function: 'customersApi',
    access: { roles: CUSTOMER_ROLES, scope: 'oms/customers.read' },
  },
  {
    method: 'POST',
    path: '/v1/customers/{customerId}/export',
    function: 'customersApi',
    access: { roles: CUSTOMER_ROLES, scope: 'oms/customers.read' },
  },
  {
    method: 'POST',
    path: '/v1/customers/{customerId}/erase',
    function: 'customersApi',
    access: { roles: CUSTOMER_ROLES, scope: 'oms/customers.erase' },
  },
] as const satisfies readonly RouteDeclaration[];
