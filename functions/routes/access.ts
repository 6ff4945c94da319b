import type { RouteDeclaration } from './route.js';

export const ACCESS_ROUTES = [
  {
    method: 'PUT',
    path: '/v1/machine-clients/{clientId}',
    function: 'machineClientsApi',
    access: { roles: ['admin'], scope: 'oms/access.write' },
  },
  {
    method: 'GET',
    path: '/v1/machine-clients/{clientId}',
    function: 'machineClientsApi',
    access: { roles: ['admin', 'ops'], scope: 'oms/access.read' },
  },
  {
    method: 'GET',
    path: '/v1/machine-clients',
    function: 'machineClientsApi',
    access: { roles: ['admin', 'ops'], scope: 'oms/access.read' },
  },
] as const satisfies readonly RouteDeclaration[];
