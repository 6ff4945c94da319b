import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { countOverdueFulfillmentOrders } from '../data/fulfillment-sla-repository.js';
import { withObservability } from '../shared/middleware.js';
import { logger, metrics } from '../shared/observability.js';

/**
 * Scheduled (lib/topology.ts SCHEDULES): counts open fulfillment orders past their due-by into
 * the metric `OverdueFulfillmentOrders`, which ops alarm on (docs/runbook.md). Counted from the
 * sparse index's keys, so the cost follows the open work, never the history.
 */
export async function countOverdue(_event: ScheduledEvent): Promise<{ overdue: number }> {
  const overdue = await countOverdueFulfillmentOrders(new Date().toISOString());
  metrics.addMetric('OverdueFulfillmentOrders', MetricUnit.Count, overdue);
  logger.info('Overdue fulfillment orders counted', { overdue });
  return { overdue };
}

export const handler = withObservability(countOverdue);
