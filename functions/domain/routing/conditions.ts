import type { RoutingOrder } from './model.js';
import type { StrategyConditions } from './rules.js';

/** Where the goods end up: the customer's address, or the store for pickup and ship-to-store. */
export interface EffectiveDestination {
  country?: string;
  region?: string;
  lat?: number;
  lon?: number;
}

const list = (values: readonly string[]) => `[${values.join(', ')}]`;

export function regionCode(country: string | undefined, region: string | undefined): string | undefined {
  return country !== undefined && region !== undefined ? `${country}-${region}` : undefined;
}

/** Returns undefined when the strategy applies to the order, otherwise the first reason it does not. */
export function whyStrategyDoesNotApply(
  when: StrategyConditions | undefined,
  order: RoutingOrder,
  destination: EffectiveDestination,
): string | undefined {
  if (when === undefined) return undefined;
  if (when.channels && !when.channels.includes(order.channelId)) {
    return `channel ${order.channelId} is not in ${list(when.channels)}`;
  }
  if (when.fulfillmentTypes && !when.fulfillmentTypes.includes(order.fulfillment.type)) {
    return `fulfillment type ${order.fulfillment.type} is not in ${list(when.fulfillmentTypes)}`;
  }
  if (when.destinationCountries) {
    if (destination.country === undefined || !when.destinationCountries.includes(destination.country)) {
      return `destination country ${destination.country ?? '(unknown)'} is not in ${list(when.destinationCountries)}`;
    }
  }
  if (when.destinationRegions) {
    const code = regionCode(destination.country, destination.region);
    if (code === undefined || !when.destinationRegions.includes(code)) {
      return `destination region ${code ?? '(unknown)'} is not in ${list(when.destinationRegions)}`;
    }
  }
  if (when.currency !== undefined && order.currency !== when.currency) {
    return `currency ${order.currency} is not ${when.currency}`;
  }
  if (when.minOrderValue !== undefined && order.value < when.minOrderValue) {
    return `order value ${order.value} is below ${when.minOrderValue}`;
  }
  if (when.maxOrderValue !== undefined && order.value > when.maxOrderValue) {
    return `order value ${order.value} is above ${when.maxOrderValue}`;
  }
  if (when.tagsAny && !when.tagsAny.some((tag) => order.tags.includes(tag))) {
    return `order has none of the tags ${list(when.tagsAny)}`;
  }
  if (when.tagsAll) {
    const missing = when.tagsAll.filter((tag) => !order.tags.includes(tag));
    if (missing.length > 0) return `order lacks the tags ${list(missing)}`;
  }
  if (when.skuAttribute) {
    const { key, values } = when.skuAttribute;
    const matches = order.lines.some((line) => {
      const value = order.skuAttributes?.[line.sku]?.[key];
      return value !== undefined && values.includes(value);
    });
    if (!matches) return `no line has ${key} in ${list(values)}`;
  }
  return undefined;
}
