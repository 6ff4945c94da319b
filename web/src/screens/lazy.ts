import { lazyScreen } from '../lazy';

/** The screens loaded on first use (lazy.tsx); the work queue and sign-in are in the first download. */
export const FulfillmentOrderScreen = lazyScreen(() =>
  import('./fulfillment-order').then((module) => module.FulfillmentOrderScreen),
);
export const OrderPage = lazyScreen(() => import('./order').then((module) => module.OrderPage));
export const OrderSearch = lazyScreen(() => import('./order').then((module) => module.OrderSearch));
export const Overdue = lazyScreen(() => import('./ops').then((module) => module.Overdue));
export const Replenishment = lazyScreen(() => import('./ops').then((module) => module.Replenishment));
export const Stock = lazyScreen(() => import('./ops').then((module) => module.Stock));
export const RuleSetSimulation = lazyScreen(() =>
  import('./simulation').then((module) => module.RuleSetSimulation),
);
