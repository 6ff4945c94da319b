import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fulfillmentActionRows,
  fulfillmentStateDiagram,
} from '../../../functions/domain/fulfillment/diagram.js';
import { FULFILLMENT_ACTIONS } from '../../../functions/domain/fulfillment/machine.js';

const doc = readFileSync(new URL('../../../docs/fulfillment.md', import.meta.url), 'utf8');

describe('docs/fulfillment.md', () => {
  it('draws the lifecycle generated from the transition table', () => {
    const drawn = /```mermaid\n([\s\S]*?)\n```/.exec(doc)?.[1];

    // On a mismatch, paste fulfillmentStateDiagram() into the mermaid block of the doc.
    expect(drawn).toBe(fulfillmentStateDiagram());
  });

  it('lists every action with its actor, kinds, states and guards as the table says', () => {
    const rows = doc
      .split('\n')
      .filter((line) => FULFILLMENT_ACTIONS.some((action) => line.startsWith(`| \`${action}\` `)))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );

    expect(rows).toEqual(fulfillmentActionRows());
  });
});
