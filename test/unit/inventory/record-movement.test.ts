import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordMovement } from '../../../functions/data/movements-repository.js';
import { ConflictError } from '../../../functions/domain/errors.js';
import { Movement } from '../../../functions/domain/inventory/movement.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';
import { anActor } from '../../helpers/factories.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const INVENTORY_TABLE = 'inventory-unit';
const CONFIG_TABLE = 'config-unit';

const receipt = Movement.parse({
  movementId: 'rcv-1',
  type: 'receipt',
  who: 'unit',
  sku: 'MUG-RED',
  locationId: 'STORE-1',
  quantity: 5,
});

/** Another writer changed the level between our read and our write. */
const levelChanged = () => aCanceledTransaction('None', 'ConditionalCheckFailed');

beforeEach(() => {
  process.env.INVENTORY_TABLE = INVENTORY_TABLE;
  process.env.CONFIG_TABLE = CONFIG_TABLE;
  dynamo.reset();
  dynamo.on(BatchGetCommand).resolves({ Responses: { [INVENTORY_TABLE]: [] } });
  dynamo.on(GetCommand).resolves({});
});
afterAll(() => dynamo.restore());

describe('recordMovement under contention (which DynamoDB Local never produces)', () => {
  it('re-reads and applies the movement when a level changed under it', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(levelChanged()).rejectsOnce(levelChanged()).resolves({});

    const result = await recordMovement(receipt, () => '2026-11-23T10:00:00.000Z', anActor());

    expect(result.replayed).toBe(false);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('answers a conflict, not a server error, when the stock keeps changing, having applied nothing', async () => {
    vi.useFakeTimers();
    dynamo.on(TransactWriteCommand).rejects(levelChanged());

    const recording = recordMovement(receipt, () => '2026-11-23T10:00:00.000Z', anActor());
    const outcome = expect(recording).rejects.toBeInstanceOf(ConflictError);
    await vi.runAllTimersAsync();
    await outcome;

    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(12);
    vi.useRealTimers();
  });
});
