import type { RouteDeclaration } from './route.js';

/**
 * The work queues' dead letters (docs/runbook.md): ops and admins look at them and move them back
 * once the cause is fixed. Machine clients need a scope of their own for each, as an on-call
 * tool that watches the counts need not be able to redrive.
 */
const DEAD_LETTER_OPERATORS = ['admin', 'ops'] as const;

export const DEAD_LETTER_ROUTES = [
  {
    method: 'GET',
    path: '/v1/ops/dead-letters',
    function: 'deadLettersApi',
    access: { roles: DEAD_LETTER_OPERATORS, scope: 'oms/dead-letters.read' },
  },
  {
    method: 'POST',
    path: '/v1/ops/dead-letters/{queue}/redrive',
    function: 'deadLettersApi',
    access: { roles: DEAD_LETTER_OPERATORS, scope: 'oms/dead-letters.redrive' },
  },
] as const satisfies readonly RouteDeclaration[];
