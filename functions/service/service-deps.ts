import { ulid } from 'ulid';
import { getChannel, listLocations } from '../data/config-repository.js';
import { getStockItems, getStockLevels } from '../data/inventory-repository.js';
import { recordMovement } from '../data/movements-repository.js';
import { createOrder } from '../data/orders-repository.js';
import { getHotShards, locationExists } from '../data/products-repository.js';
import { getProducts } from '../data/routing-repository.js';
import { getActiveRuleSet } from '../data/rules-repository.js';
import {
  commitServiceChange,
  getOrderAggregate,
  getReturnAuthorization,
} from '../data/service-repository.js';
import { readStock } from '../routing/route-order.js';
import { changeFulfillmentOrder, releaseFulfillmentLines } from '../data/fulfillment-changes.js';
import { applyFulfillmentAction } from '../domain/fulfillment/machine.js';
import type { CancelDeps } from './deps.js';

const now = () => new Date();

/** The production wiring of the customer-service use cases. */
export const serviceDeps: CancelDeps = {
  getOrderAggregate,
  getReturnAuthorization,
  getChannel: (channelId) => getChannel(channelId),
  commitServiceChange,
  locationExists,
  recordMovement: (movement, actor) => recordMovement(movement, () => new Date().toISOString(), actor),
  createOrder: async (order) => {
    const result = await createOrder(order);
    if (result.created) return { orderId: order.orderId };
    return { orderId: 'redelivery' in result ? result.redelivery.orderId : result.existing.orderId };
  },
  routingSources: async (skus) => {
    const [ruleSet, locations, products, stockLevels] = await Promise.all([
      getActiveRuleSet(),
      listLocations(),
      getProducts(skus),
      getHotShards(skus).then((hotShards) => readStock({ getStockLevels, getStockItems }, skus, hotShards)),
    ]);
    return { ruleSet, locations, products, stockLevels };
  },
  releaseLines: async (fulfillmentOrderId, release, actor) => {
    await releaseFulfillmentLines({
      fulfillmentOrderId,
      release: { ...release, outcome: 'CANCELED' },
      actor,
    });
  },
  requestCancel: async (fulfillmentOrderId, request, actor) => {
    await changeFulfillmentOrder({
      fulfillmentOrderId,
      action: 'request-cancel',
      decide: (fo) =>
        applyFulfillmentAction(fo, 'request-cancel', request, {
          now: new Date().toISOString(),
          random: Math.random,
          newId: ulid,
        }),
      actor,
      now: () => new Date().toISOString(),
    });
  },
  newId: ulid,
  now,
};
