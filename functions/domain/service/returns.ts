import {
  ConflictError,
  ForbiddenError,
  UnprocessableError,
  ValidationError,
  type FieldIssue,
} from '../errors.js';
import type { FulfillmentOrderState } from '../fulfillment/model.js';
import type { Order } from '../order.js';
import { handedOver } from './fulfillment-view.js';
import type {
  ChangedBy,
  CreateReturnBody,
  ReceiveReturnBody,
  ReturnAuthorization,
  ReturnReceipt,
  ReturnStatus,
} from './records.js';

/** A channel that configures no return window gives its customers this many days. */
export const DEFAULT_RETURN_WINDOW_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

export interface AuthorizeContext {
  returnId: string;
  now: string;
  by: ChangedBy;
  returnWindowDays: number;
  /** Customer service and admins may take a return past the window. */
  mayOverrideWindow: boolean;
}

/**
 * Authorizes a return, whatever channel sold the order and wherever the goods will come back:
 * 1. every line is a line of the order, asking for no more units than reached the customer
 *    (delivered, or collected at a store) minus those on earlier returns (409 naming the line);
 * 2. the customer asked (`initiatedAt`) within the channel's window from when the last of those
 *    units reached them (422), unless customer service overrides, with a reason;
 * 3. the authorization lists the units and, for an exchange, the replacement lines.
 */
export function authorizeReturn(
  order: Order,
  fulfillmentOrders: readonly FulfillmentOrderState[],
  earlier: readonly ReturnAuthorization[],
  body: CreateReturnBody,
  context: AuthorizeContext,
): ReturnAuthorization {
  if (body.override && !context.mayOverrideWindow)
    throw new ForbiddenError('Only customer service or an admin may override the return window.');
  const delivered = handedOver(order.orderId, fulfillmentOrders);
  const issues: FieldIssue[] = [];
  const lines = body.lines.flatMap((requested, index) => {
    const line = order.lines.find((candidate) => candidate.lineId === requested.lineId);
    if (!line) {
      issues.push({ path: `lines/${index}/lineId`, message: 'is not a line of this order' });
      return [];
    }
    const reached = delivered.find((entry) => entry.lineId === line.lineId)?.quantity ?? 0;
    const returned = earlier.reduce(
      (sum, other) => sum + (other.lines.find((entry) => entry.lineId === line.lineId)?.quantity ?? 0),
      0,
    );
    if (requested.quantity > reached - returned) {
      issues.push({
        path: `lines/${index}/quantity`,
        message: `exceeds the ${Math.max(0, reached - returned)} unit(s) delivered or picked up and not returned yet`,
      });
      return [];
    }
    return [
      {
        lineId: line.lineId,
        sku: line.sku,
        quantity: requested.quantity,
        reason: requested.reason,
        received: 0,
      },
    ];
  });
  if (issues.some((issue) => issue.path.endsWith('lineId')))
    throw new ValidationError('The return does not match the order.', issues);
  if (issues.length > 0)
    throw new ConflictError('The return asks for more units than the customer has and has not returned.', {
      errors: issues,
    });

  const initiatedAt = body.initiatedAt ? new Date(body.initiatedAt).toISOString() : context.now;
  const lastHandedOver = delivered
    .filter((entry) => lines.some((line) => line.lineId === entry.lineId))
    .reduce((latest, entry) => (entry.at > latest ? entry.at : latest), '');
  const closesAt = new Date(Date.parse(lastHandedOver) + context.returnWindowDays * DAY_MS).toISOString();
  if (initiatedAt > closesAt && !body.override) {
    throw new UnprocessableError(
      `The return window of ${context.returnWindowDays} day(s) closed at ${closesAt}; customer service may override it with a reason.`,
      { returnWindowDays: context.returnWindowDays, windowClosedAt: closesAt, initiatedAt },
    );
  }
  return {
    returnId: context.returnId,
    orderId: order.orderId,
    channelId: order.channelId,
    externalId: order.externalId,
    status: 'AUTHORIZED',
    lines,
    initiatedAt,
    ...(body.override && { override: body.override }),
    ...(body.replacements && { replacements: body.replacements }),
    receipts: [],
    version: 1,
    authorizedAt: context.now,
    updatedAt: context.now,
    by: context.by,
  };
}

/**
 * Receives returned units at a location: each line no more than was authorized and not received
 * yet (409 naming the line). Resellable units go back into that location's stock (the caller
 * records a receipt movement per line); damaged units are written off: recorded here, never stocked.
 */
export function receiveReturn(
  authorization: ReturnAuthorization,
  body: ReceiveReturnBody,
  context: { receiptId: string; now: string; by: ChangedBy },
): { authorization: ReturnAuthorization; receipt: ReturnReceipt } {
  const issues: FieldIssue[] = [];
  const received = new Map<string, number>();
  const lines = body.lines.flatMap((entry, index) => {
    const line = authorization.lines.find((candidate) => candidate.lineId === entry.lineId);
    if (!line) {
      issues.push({ path: `lines/${index}/lineId`, message: 'is not a line of this return' });
      return [];
    }
    const open = line.quantity - line.received - (received.get(line.lineId) ?? 0);
    if (entry.quantity > open) {
      issues.push({ path: `lines/${index}/quantity`, message: `exceeds the ${open} unit(s) still expected` });
      return [];
    }
    received.set(line.lineId, (received.get(line.lineId) ?? 0) + entry.quantity);
    const movementId =
      entry.condition === 'resellable'
        ? `return:${authorization.returnId}:${context.receiptId}:${line.lineId}`
        : undefined;
    return [
      {
        lineId: line.lineId,
        sku: line.sku,
        quantity: entry.quantity,
        condition: entry.condition,
        ...(movementId && { movementId }),
      },
    ];
  });
  if (issues.some((issue) => issue.path.endsWith('lineId')))
    throw new ValidationError('The receipt does not match the return.', issues);
  if (issues.length > 0)
    throw new ConflictError('The receipt holds more units than the return still expects.', {
      errors: issues,
    });

  const updatedLines = authorization.lines.map((line) => ({
    ...line,
    received: line.received + (received.get(line.lineId) ?? 0),
  }));
  const status: ReturnStatus = updatedLines.every((line) => line.received === line.quantity)
    ? 'RECEIVED'
    : 'PARTIALLY_RECEIVED';
  const receipt: ReturnReceipt = {
    receiptId: context.receiptId,
    locationId: body.locationId,
    lines,
    receivedAt: context.now,
    by: context.by,
  };
  return {
    authorization: {
      ...authorization,
      status,
      lines: updatedLines,
      receipts: [...authorization.receipts, receipt],
      version: authorization.version + 1,
      updatedAt: context.now,
    },
    receipt,
  };
}
