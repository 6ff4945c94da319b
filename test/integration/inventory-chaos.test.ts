import { DescribeTableCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { checkInventory } from '../../bin/check-inventory.js';
import { dynamo } from '../../functions/data/dynamo.js';
import { getAggregate, stockKey } from '../../functions/data/inventory-repository.js';
import { recordMovement } from '../../functions/data/movements-repository.js';
import { putInventoryProduct } from '../../functions/data/products-repository.js';
import { putChannel } from '../../functions/data/config-repository.js';
import { DomainError } from '../../functions/domain/errors.js';
import { Movement } from '../../functions/domain/inventory/movement.js';
import { createInventorySync } from '../../functions/inventory/inventory-sync.js';
import { readSkuInventory } from '../../functions/inventory/read-inventory.js';
import type { PendingEvent } from '../../functions/shared/event-publisher.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lib/local/dynamodb-local.js';
import { toLambdaRecord } from '../../lib/local/stream-poller.js';
import { aChannel } from '../helpers/records.js';
import { useLocalTables } from '../helpers/tables.js';
import { givenLocations } from './inventory-fixtures.js';
import { anActor } from '../helpers/factories.js';
import { aLocation } from '../helpers/records.js';

/**
 * Chaos: thousands of random movements, reservations and releases run concurrently while a
 * stream consumer feeds inventory-sync from DynamoDB Local's stream, and that consumer misbehaves
 * the ways Lambda may: invocations that die half-way (the batch comes again), records delivered
 * twice, old batches replayed, event publishing that fails (partial batch failures, honoured from
 * the first failed record), and the same batch handled by two invocations at once. When the
 * stream has drained, the invariant check must find nothing.
 */
const SKUS = Array.from({ length: 8 }, (_, index) => `CHAOS-${index}`);
const LOCATIONS = ['north', 'south', 'east', 'west'];
/**
 * Thousands of operations, as the inventory's promise is about volume. DynamoDB Local answers in
 * ~15 ms on a busy two-core machine, where 1,000 operations take about 30 s; the writers stop at
 * the budget if the machine is slower still, so that the suite keeps its time, and the report
 * line says how many operations ran.
 */
const OPERATIONS = Number(process.env.CHAOS_OPERATIONS ?? 2_500);
const WRITE_BUDGET_MS = Number(process.env.CHAOS_WRITE_BUDGET_MS ?? 80_000);
const WRITERS = Number(process.env.CHAOS_WRITERS ?? 16);

/** A small seeded generator, so that a failing run can be repeated. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

const SEED = Number(process.env.CHAOS_SEED ?? 20261123);
const random = randomSource(SEED);
let tableName = '';

beforeAll(async () => {
  tableName = (await useLocalTables()).names.INVENTORY_TABLE!;
  await givenLocations(
    aLocation('north'),
    aLocation('south', { channels: ['web'] }),
    aLocation('east', { channels: ['marketplace'] }),
    aLocation('west', { active: false }),
  );
  await Promise.all([
    putChannel(aChannel({ channelId: 'web' })),
    putChannel(aChannel({ channelId: 'marketplace' })),
  ]);
  await Promise.all(
    SKUS.map((sku, index) =>
      putInventoryProduct({
        sku,
        reorderPoint: 5 + index,
        vendorId: `vendor-${index % 2}`,
        channelBuffers: { marketplace: 1 },
      }),
    ),
  );
});

describe('inventory under chaos', () => {
  const published: PendingEvent[] = [];
  const stats: ChaosStats = {
    crashes: 0,
    partialFailures: 0,
    duplicatesDelivered: 0,
    replays: 0,
    concurrentDeliveries: 0,
    invocations: 0,
  };
  const sync = createInventorySync({
    // Event publishing fails now and then: the SKU's records fail and come again.
    publish: async (pending) => (random.next() < 0.08 ? pending : (published.push(...pending), [])),
    now: () => new Date().toISOString(),
  });

  it(
    'keeps every aggregate equal to the sum of its locations',
    { timeout: WRITE_BUDGET_MS + 25_000 },
    async () => {
      const started = Date.now();
      const consumer = new ChaosConsumer(
        tableName,
        async (records) => {
          stats.invocations += 1;
          return sync(streamEvent(records));
        },
        stats,
      );
      let writing = true;
      const consuming = (async () => {
        while (writing || !(await consumer.drained())) await consumer.deliverOnce();
      })();

      const workload = new Workload();
      await Promise.all(
        Array.from({ length: WRITERS }, () => workload.run(OPERATIONS / WRITERS, started + WRITE_BUDGET_MS)),
      ).finally(() => {
        writing = false;
      });
      const wroteIn = Date.now() - started;
      await consuming;
      consumer.destroy();

      const report = await checkInventory({ tableName, endpoint: inject('dynamodbEndpoint') });
      console.info(
        `chaos seed ${SEED}: ${JSON.stringify(workload.counts)} ${JSON.stringify(stats)} ` +
          `${report.flaggedOversales.length} flagged oversales, ${published.length} events, writes ${wroteIn} ms, total ${Date.now() - started} ms`,
      );
      expect(report.violations).toEqual([]);
      expect(report.skus).toBe(SKUS.length);
      for (const sku of SKUS) {
        const [stored, live] = await Promise.all([getAggregate(sku), readSkuInventory(sku)]);
        expect(stored?.channels, sku).toEqual(live.channels);
        expect(stored?.availableToPromise, sku).toBe(live.network.availableToPromise);
      }
      // The chaos did happen.
      expect(stats.crashes).toBeGreaterThan(0);
      expect(stats.partialFailures).toBeGreaterThan(0);
      expect(stats.duplicatesDelivered).toBeGreaterThan(0);
      expect(workload.counts.reservations).toBeGreaterThan(50);
      expect(workload.counts.movements).toBeGreaterThan(150);
    },
  );
});

interface ChaosStats {
  crashes: number;
  partialFailures: number;
  duplicatesDelivered: number;
  replays: number;
  concurrentDeliveries: number;
  invocations: number;
}

/** Random movements, reservations and releases, as the API and the router make them. */
class Workload {
  readonly counts = { movements: 0, refused: 0, reservations: 0, reservationConflicts: 0, releases: 0 };
  private readonly held: { sku: string; locationId: string; orderId: string; quantity: number }[] = [];
  private sequence = 0;

  async run(operations: number, deadline: number): Promise<void> {
    for (let index = 0; index < operations && Date.now() < deadline; index++) {
      const roll = random.next();
      if (roll < 0.35) await this.reserve();
      else if (roll < 0.55) await this.release();
      else await this.move();
    }
  }

  private async move(): Promise<void> {
    const id = `mv-${(this.sequence += 1)}`;
    const sku = random.pick(SKUS);
    const locationId = random.pick(LOCATIONS);
    const quantity = 1 + random.int(5);
    const kinds = [
      { type: 'receipt', sku, locationId, quantity: quantity * 3 },
      { type: 'adjustment', sku, locationId, reason: 'damage', quantityDelta: -quantity },
      { type: 'cycle_count', sku, locationId, countedQuantity: random.int(30) },
      {
        type: 'pos_sale',
        sku,
        locationId,
        quantity,
        occurredAt: new Date(Date.now() - random.int(86_400_000)).toISOString(),
      },
      { type: 'safety_stock', sku, locationId, safetyStock: random.int(3) },
      {
        type: 'transfer_shipment',
        transferId: id,
        sku,
        fromLocationId: locationId,
        toLocationId: random.pick(LOCATIONS.filter((other) => other !== locationId)),
        quantity,
      },
    ];
    const movement = Movement.parse({ movementId: id, who: 'chaos', ...random.pick(kinds) });
    try {
      await recordMovement(movement, () => new Date().toISOString(), anActor());
      this.counts.movements += 1;
      // Retries of the same movement never apply twice; some are sent again on purpose.
      if (random.next() < 0.1) await recordMovement(movement, () => new Date().toISOString(), anActor());
      if (movement.type === 'transfer_shipment' && random.next() < 0.7) {
        const receipt = Movement.parse({
          type: 'transfer_receipt',
          movementId: `${id}-in`,
          who: 'chaos',
          transferId: id,
          receivedQuantity: random.int(quantity + 1),
        });
        await recordMovement(receipt, () => new Date().toISOString(), anActor());
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.counts.refused += 1;
    }
  }

  /** The router's reservation: the stock update conditional on available, with its marker. */
  private async reserve(): Promise<void> {
    const reservation = {
      sku: random.pick(SKUS),
      locationId: random.pick(LOCATIONS),
      orderId: `o-${(this.sequence += 1)}`,
      quantity: 1 + random.int(3),
    };
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: stockKey(reservation.sku, reservation.locationId),
                UpdateExpression:
                  'SET reserved = reserved + :q, available = available - :q, #version = #version + :one, updatedAt = :now',
                ConditionExpression: 'available >= :q',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: {
                  ':q': reservation.quantity,
                  ':one': 1,
                  ':now': new Date().toISOString(),
                },
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: {
                  pk: `SKU#${reservation.sku}`,
                  sk: `RES#${reservation.orderId}#${reservation.locationId}`,
                  entityType: 'Reservation',
                  ...reservation,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      this.held.push(reservation);
      this.counts.reservations += 1;
    } catch (error) {
      // Not enough available, or a concurrent transaction on the item: the router decides again.
      if (!(error instanceof TransactionCanceledException)) throw error;
      this.counts.reservationConflicts += 1;
    }
  }

  private async release(): Promise<void> {
    const reservation = this.held.splice(random.int(this.held.length), 1)[0];
    if (!reservation) return;
    const release = () =>
      dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: tableName,
                Key: {
                  pk: `SKU#${reservation.sku}`,
                  sk: `RES#${reservation.orderId}#${reservation.locationId}`,
                },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: stockKey(reservation.sku, reservation.locationId),
                UpdateExpression:
                  'SET reserved = reserved - :q, available = available + :q, #version = #version + :one, updatedAt = :now',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: {
                  ':q': reservation.quantity,
                  ':one': 1,
                  ':now': new Date().toISOString(),
                },
              },
            },
          ],
        }),
      );
    // Two transactions on one item at once: DynamoDB cancels one (TransactionConflict); the router retries.
    for (let attempt = 1; ; attempt++) {
      try {
        await release();
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || attempt >= 5) throw error;
      }
    }
    this.counts.releases += 1;
  }
}

/**
 * Reads DynamoDB Local's stream shard by shard and delivers batches of up to 100 records the way
 * Lambda's event source mapping does, plus the faults it is allowed to have.
 */
class ChaosConsumer {
  private readonly streams = new DynamoDBStreamsClient({
    endpoint: inject('dynamodbEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  private readonly iterators = new Map<string, string>();
  private readonly checkpoints = new Map<string, string>();
  private readonly closed = new Set<string>();
  /** Records read but not yet handled successfully, per shard, in order. */
  private readonly pending = new Map<string, DynamoDBRecord[]>();
  private readonly delivered: DynamoDBRecord[][] = [];
  private streamArn?: string;

  constructor(
    private readonly table: string,
    private readonly invoke: (
      records: DynamoDBRecord[],
    ) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
    private readonly stats: ChaosStats,
  ) {}

  async drained(): Promise<boolean> {
    await this.read();
    return [...this.pending.values()].every((records) => records.length === 0);
  }

  async deliverOnce(): Promise<void> {
    await this.read();
    const work = [...this.pending].filter(([, records]) => records.length > 0);
    if (work.length === 0) return new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all(work.map(([shardId, records]) => this.deliver(shardId, records.slice(0, 100))));
  }

  destroy(): void {
    this.streams.destroy();
  }

  private async deliver(shardId: string, batch: DynamoDBRecord[]): Promise<void> {
    this.delivered.push(batch);
    if (random.next() < 0.05 && this.delivered.length > 1) {
      this.stats.replays += 1;
      await this.invoke(random.pick(this.delivered));
    }
    if (random.next() < 0.12) {
      // The invocation dies after handling part of the batch; Lambda delivers all of it again.
      this.stats.crashes += 1;
      await this.invoke(batch.slice(0, random.int(batch.length)));
      return;
    }
    const withDuplicates = batch.flatMap((record) => (random.next() < 0.1 ? [record, record] : [record]));
    this.stats.duplicatesDelivered += withDuplicates.length - batch.length;
    const concurrent = random.next() < 0.1;
    if (concurrent) this.stats.concurrentDeliveries += 1;
    const [response] = await Promise.all([
      this.invoke(withDuplicates),
      ...(concurrent ? [this.invoke(batch)] : []),
    ]);
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const firstFailed = batch.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
    if (firstFailed >= 0) this.stats.partialFailures += 1;
    this.pending.get(shardId)!.splice(0, firstFailed >= 0 ? firstFailed : batch.length);
  }

  private async read(): Promise<void> {
    const streamArn = (this.streamArn ??= await latestStreamArn(this.table));
    const { StreamDescription } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      if (!this.pending.has(shardId)) this.pending.set(shardId, []);
      if (this.closed.has(shardId)) continue;
      const iterator = this.iterators.get(shardId) ?? (await this.iteratorAfter(streamArn, shardId));
      try {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const records = (page.Records ?? []).map((record) => toLambdaRecord(record, streamArn));
        this.pending.get(shardId)!.push(...records);
        const last = records.at(-1)?.dynamodb?.SequenceNumber;
        if (last) this.checkpoints.set(shardId, last);
        if (page.NextShardIterator) this.iterators.set(shardId, page.NextShardIterator);
        else this.closed.add(shardId);
      } catch (error) {
        // DynamoDB Local calls the iterator of a shard that was empty "trimmed" once records arrive;
        // a new one starts after the last record read.
        if (!['TrimmedDataAccessException', 'ExpiredIteratorException'].includes((error as Error).name))
          throw error;
        this.iterators.delete(shardId);
      }
    }
  }

  private async iteratorAfter(streamArn: string, shardId: string): Promise<string> {
    const checkpoint = this.checkpoints.get(shardId);
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator!;
  }
}

async function latestStreamArn(table: string): Promise<string> {
  const { Table } = await dynamo().send(new DescribeTableCommand({ TableName: table }));
  return Table!.LatestStreamArn!;
}

function streamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}
