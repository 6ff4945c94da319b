import type { RouteDeclaration } from './route.js';

export const ROUTING_ROUTES = [
  {
    method: 'GET',
    path: '/v1/routing/rule-sets/active',
    function: 'routingApi',
    access: { roles: ['admin', 'ops'], scope: 'oms/routing.read' },
  },
  {
    method: 'POST',
    path: '/v1/routing/rule-sets',
    function: 'routingApi',
    access: { roles: ['admin'], scope: 'oms/routing.write' },
  },
  {
    method: 'POST',
    path: '/v1/routing/rule-sets/validate',
    function: 'routingApi',
    access: { roles: ['admin', 'ops'], scope: 'oms/routing.read' },
  },
  {
    method: 'GET',
    path: '/v1/routing/rule-sets/{ruleSetId}/versions/{version}',
    function: 'routingApi',
    access: { roles: ['admin', 'ops'], scope: 'oms/routing.read' },
  },
  {
    method: 'POST',
    path: '/v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate',
    function: 'routingApi',
    access: { roles: ['admin'], scope: 'oms/routing.write' },
  },
  {
    method: 'POST',
    path: '/v1/routing/simulate',
    function: 'routingApi',
    access: { roles: ['admin', 'ops'], scope: 'oms/routing.read' },
  },
] as const satisfies readonly RouteDeclaration[];
