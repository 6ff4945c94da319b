import { describe, expect, it } from 'vitest';
import { matchesPattern, type EventPattern } from '../../../lib/local/event-pattern.js';
import { EVENT_RULES } from '../../../lib/topology.js';

const anOrderEvent = (detail: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderReceived',
  source: 'oms',
  account: '000000000000',
  time: '2026-11-22T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    orderId: '01J',
    channelId: 'web',
    total: 4953,
    fulfillmentType: 'ship',
    destinationCountry: 'PT',
    lines: [
      { sku: 'TSHIRT-BLUE-M', quantity: 2 },
      { sku: 'CAP-NAVY', quantity: 1 },
    ],
    tags: ['vip'],
    ...detail,
  },
  ...overrides,
});

const matches = (pattern: EventPattern, event = anOrderEvent()) => matchesPattern(pattern, event);

describe('matchesPattern (EventBridge event patterns)', () => {
  it('routes the detail-types of the RouteOrders rule, and no others', () => {
    const routeOrders = EVENT_RULES.find((rule) => rule.id === 'RouteOrders')!.pattern;

    expect(matches(routeOrders)).toBe(true);
    expect(matches(routeOrders, anOrderEvent({}, { 'detail-type': 'BackorderRetry' }))).toBe(true);
    expect(matches(routeOrders, anOrderEvent({}, { 'detail-type': 'OrderRouted' }))).toBe(false);
    expect(matches(routeOrders, anOrderEvent({}, { source: 'erp' }))).toBe(false);
  });

  it('matches exact values in nested detail fields, and any element of an array', () => {
    expect(matches({ detail: { channelId: ['web', 'app'] } })).toBe(true);
    expect(matches({ detail: { channelId: ['shopify'] } })).toBe(false);
    expect(matches({ detail: { lines: { sku: ['CAP-NAVY'] } } })).toBe(true);
    expect(matches({ detail: { tags: ['vip'] } })).toBe(true);
    expect(matches({ detail: { total: [4953] } })).toBe(true);
    expect(matches({ detail: { total: ['4953'] } })).toBe(false);
  });

  it('matches null only where the field is null', () => {
    expect(matches({ detail: { pickupLocationId: [null] } }, anOrderEvent({ pickupLocationId: null }))).toBe(
      true,
    );
    expect(matches({ detail: { pickupLocationId: [null] } })).toBe(false);
  });

  it('matches prefixes, suffixes and values regardless of case', () => {
    expect(matches({ detail: { lines: { sku: [{ prefix: 'TSHIRT-' }] } } })).toBe(true);
    expect(matches({ detail: { lines: { sku: [{ prefix: 'JEANS-' }] } } })).toBe(false);
    expect(matches({ 'detail-type': [{ suffix: 'Received' }] })).toBe(true);
    expect(matches({ detail: { channelId: [{ 'equals-ignore-case': 'WEB' }] } })).toBe(true);
  });

  it('matches anything-but values, prefixes and suffixes, never an absent field', () => {
    expect(matches({ detail: { channelId: [{ 'anything-but': ['shopify', 'amazon'] }] } })).toBe(true);
    expect(matches({ detail: { channelId: [{ 'anything-but': 'web' }] } })).toBe(false);
    expect(matches({ detail: { channelId: [{ 'anything-but': { prefix: 'we' } }] } })).toBe(false);
    expect(matches({ detail: { channelId: [{ 'anything-but': { suffix: 'op' } }] } })).toBe(true);
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });

  it('matches on whether a field exists', () => {
    expect(matches({ detail: { destinationCountry: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { pickupLocationId: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { pickupLocationId: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { destinationCountry: [{ exists: false }] } })).toBe(false);
  });

  it('matches numeric ranges', () => {
    expect(matches({ detail: { total: [{ numeric: ['>', 0, '<=', 5000] }] } })).toBe(true);
    expect(matches({ detail: { total: [{ numeric: ['>=', 10000] }] } })).toBe(false);
    expect(matches({ detail: { lines: { quantity: [{ numeric: ['=', 2] }] } } })).toBe(true);
    expect(matches({ detail: { channelId: [{ numeric: ['>', 0] }] } })).toBe(false);
  });

  it('requires every field of the pattern and any branch of $or', () => {
    expect(matches({ source: ['oms'], detail: { channelId: ['web'], fulfillmentType: ['pickup'] } })).toBe(
      false,
    );
    expect(
      matches({ $or: [{ detail: { fulfillmentType: ['pickup'] } }, { detail: { tags: ['vip'] } }] }),
    ).toBe(true);
    expect(
      matches({ $or: [{ detail: { fulfillmentType: ['pickup'] } }, { detail: { tags: ['b2b'] } }] }),
    ).toBe(false);
  });

  it('does not match a nested pattern against a field that is not an object', () => {
    expect(matches({ detail: { channelId: { nested: ['web'] } } })).toBe(false);
  });
});
