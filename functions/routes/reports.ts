import type { RouteDeclaration } from './route.js';

/**
 * Sales and fulfillment reports (docs/reports.md), served by one function. Ops and admins read
 * them; customer service works order by order and gets no revenue figures of the business.
 */
const REPORT_READERS = ['admin', 'ops'] as const;

export const REPORT_ROUTES = [
  {
    method: 'GET',
    path: '/v1/reports/sales',
    function: 'reportsApi',
    access: { roles: REPORT_READERS, scope: 'oms/reports.read' },
  },
  {
    method: 'GET',
    path: '/v1/reports/bestsellers',
    function: 'reportsApi',
    access: { roles: REPORT_READERS, scope: 'oms/reports.read' },
  },
  {
    method: 'GET',
    path: '/v1/reports/fulfillment',
    function: 'reportsApi',
    access: { roles: REPORT_READERS, scope: 'oms/reports.read' },
  },
] as const satisfies readonly RouteDeclaration[];
