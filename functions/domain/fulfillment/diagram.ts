import { fromStates, TRANSITIONS } from './machine.js';
import { FULFILLMENT_STATES, TERMINAL_STATES } from './model.js';

/**
 * The lifecycle as a mermaid state diagram, drawn from the transition table so that the picture
 * in docs/fulfillment.md can not drift from the code (a unit test compares them). Moves that
 * leave the state as it was (a partial reject, a stale tracking event) are not drawn.
 */
export function fulfillmentStateDiagram(): string {
  const edges = new Map<string, string[]>();
  for (const transition of TRANSITIONS)
    for (const [from, to] of transition.moves) {
      if (from === to) continue;
      const key = `${from} --> ${to}`;
      edges.set(key, [...(edges.get(key) ?? []), transition.action]);
    }
  const reachable = new Set([...edges.keys()].flatMap((key) => key.split(' --> ')));
  const lines = [
    'stateDiagram-v2',
    '    [*] --> CREATED',
    ...[...edges].map(([key, actions]) => `    ${key}: ${actions.join(', ')}`),
    ...FULFILLMENT_STATES.filter((state) => TERMINAL_STATES.includes(state) && reachable.has(state)).map(
      (state) => `    ${state} --> [*]`,
    ),
  ];
  return lines.join('\n');
}

/** One row per action for the docs: who takes it, for which kinds, from where, behind which guards. */
export function fulfillmentActionRows(): string[][] {
  return TRANSITIONS.map((transition) => [
    `\`${transition.action}\``,
    transition.actor,
    transition.kinds.join(', '),
    fromStates(transition).join(', '),
    transition.guards.map((guard) => guard.name).join(', ') || '—',
  ]);
}
