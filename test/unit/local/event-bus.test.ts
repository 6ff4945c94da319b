import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEventBus, type EventEnvelope } from '../../../lib/local/event-bus.js';

const delivered: EventEnvelope[] = [];
const bus = new LocalEventBus({
  name: 'oms-test',
  keep: 3,
  routes: [
    {
      ruleId: 'RouteOrders',
      pattern: { source: ['oms'], 'detail-type': ['OrderReceived'] },
      deliver: (event) => delivered.push(event),
    },
  ],
});
let client: EventBridgeClient;

beforeAll(async () => {
  const endpoint = await bus.listen();
  client = new EventBridgeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await bus.close();
});

const anEntry = (overrides: Record<string, unknown> = {}) => ({
  EventBusName: 'oms-test',
  Source: 'oms',
  DetailType: 'OrderReceived',
  Detail: JSON.stringify({ orderId: '01J' }),
  ...overrides,
});

describe('LocalEventBus behind the unmodified EventBridge SDK client', () => {
  it('accepts PutEvents and delivers matching events to the rule target in the EventBridge envelope', async () => {
    const result = await client.send(
      new PutEventsCommand({ Entries: [anEntry(), anEntry({ DetailType: 'OrderRouted' })] }),
    );

    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toEqual([{ EventId: expect.any(String) }, { EventId: expect.any(String) }]);
    expect(delivered.at(-1)).toMatchObject({
      version: '0',
      id: result.Entries?.[0]?.EventId,
      'detail-type': 'OrderReceived',
      source: 'oms',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      detail: { orderId: '01J' },
    });
    expect(
      bus.recent().map(({ event, matchedRules }) => [event['detail-type'], matchedRules]),
    ).toContainEqual(['OrderRouted', []]);
  });

  it('fails entries one by one: malformed detail, missing fields, another bus', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          anEntry({ Detail: 'not json' }),
          anEntry({ Source: undefined }),
          anEntry({ EventBusName: 'other' }),
          anEntry(),
        ],
      }),
    );

    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries?.map((entry) => entry.ErrorCode)).toEqual([
      'MalformedDetail',
      'InvalidArgument',
      'ResourceNotFoundException',
      undefined,
    ]);
  });

  it('refuses more than 10 entries and more than 256 KB, as the service does', async () => {
    const eleven = Array.from({ length: 11 }, () => anEntry());
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
    });

    const big = anEntry({ Detail: JSON.stringify({ padding: 'x'.repeat(256 * 1024) }) });
    await expect(client.send(new PutEventsCommand({ Entries: [big] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('keeps only the last N published events for inspection', async () => {
    const entries = ['a', 'b', 'c', 'd'].map((orderId) => anEntry({ Detail: JSON.stringify({ orderId }) }));
    await client.send(new PutEventsCommand({ Entries: entries }));

    expect(bus.recent().map(({ event }) => event.detail.orderId)).toEqual(['b', 'c', 'd']);
  });
});
