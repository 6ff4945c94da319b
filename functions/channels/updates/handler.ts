import { getChannel, listLocations } from '../../data/config-repository.js';
import {
  channelUpdatesPersistence,
  findRejection,
  recordRejection,
} from '../../data/channel-updates-store.js';
import { getOrder } from '../../data/orders-repository.js';
import { withObservability } from '../../shared/middleware.js';
import { resolveSecret } from '../../shared/secrets.js';
import { createChannelUpdatesConsumer } from './consume.js';
import { deliverChannelUpdate, type DeliverUpdateDeps } from './deliver-update.js';
import { isFullyShipped } from './fully-shipped.js';

/**
 * One update's budget: well inside the function's 60 s timeout (lib/topology.ts) for a batch
 * of five, so an update that runs out of time fails alone and comes back.
 */
const UPDATE_BUDGET_MS = 10_000;

const deliverDeps: DeliverUpdateDeps = {
  getChannel: (channelId) => getChannel(channelId),
  resolveSecret,
  isFullyShipped: (event) => isFullyShipped(getOrder, event),
  locationName: async (locationId) =>
    (await listLocations()).find((location) => location.locationId === locationId)?.name,
  now: Date.now,
  budgetMs: UPDATE_BUDGET_MS,
};

export const handler = withObservability(
  createChannelUpdatesConsumer({
    deliver: (update) => deliverChannelUpdate(deliverDeps, update),
    persistenceStore: channelUpdatesPersistence(),
    findRejection,
    recordRejection,
    now: () => new Date(),
  }),
);
