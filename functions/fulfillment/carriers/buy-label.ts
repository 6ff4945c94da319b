import type { Actor } from '../../domain/access.js';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { CarrierAccount, LabelProvider, ShipmentAddress } from '../../domain/fulfillment/carrier.js';
import { SHIPPING_KINDS, type FulfillmentOrderState } from '../../domain/fulfillment/model.js';
import type { Location } from '../../domain/location.js';
import type { Address, Order } from '../../domain/order.js';
import type { Label, LabelBody } from './label-request.js';

/** No label provider is set up: an operator's task, not the caller's fault, so a 503 and no label. */
export class LabelProviderUnavailableError extends DomainError {
  readonly kind = 'unavailable';
}

export interface BuyLabelDeps {
  getFulfillmentOrder(fulfillmentOrderId: string): Promise<FulfillmentOrderState | undefined>;
  getOrder(orderId: string): Promise<Order | undefined>;
  listLocations(): Promise<Location[]>;
  getCarrierAccount(carrierId: 'shippo'): Promise<CarrierAccount | undefined>;
  resolveSecret(name: string): Promise<string | undefined>;
  labelProvider(account: CarrierAccount, apiToken: string): LabelProvider;
  /** The label already bought under this key, if any (a retried request). */
  findLabel(orderId: string, fulfillmentOrderId: string, labelId: string): Promise<Label | undefined>;
  /** Stores the label once; answers the label stored first when another request won. */
  saveLabel(orderId: string, label: Label): Promise<Label>;
  labelIdFor(fulfillmentOrderId: string, idempotencyKey: string | undefined): string;
  now(): Date;
}

/** States in which the parcel is packed and may still leave. */
const LABELABLE = ['PACKED', 'PARTIALLY_SHIPPED'];

/**
 * Buys a label for one parcel of a fulfillment order:
 * 1. finds the fulfillment order (404) and lets the caller check its location (403);
 * 2. answers a label already bought under the request's Idempotency-Key without buying again;
 * 3. refuses work that is not packed or not shipped by carrier (409), a package that is not
 *    the order's or has no weight and size (400);
 * 4. reads the addresses (the location's, the customer's or the pick-up store's), the provider's
 *    account and token (503 when none is configured);
 * 5. buys the label (503 with Retry-After when the provider fails: nothing is written) and
 *    stores it with the fulfillment order, for the `ship` action that follows.
 */
export async function buyLabel(
  deps: BuyLabelDeps,
  input: {
    fulfillmentOrderId: string;
    body: LabelBody;
    idempotencyKey?: string;
    authorize: (fo: FulfillmentOrderState) => void;
    actor: Actor;
  },
): Promise<{ label: Label; created: boolean }> {
  const fo = await deps.getFulfillmentOrder(input.fulfillmentOrderId);
  if (!fo || fo.status === 'PENDING')
    throw new NotFoundError(`There is no fulfillment order "${input.fulfillmentOrderId}".`);
  input.authorize(fo);
  const labelId = deps.labelIdFor(fo.fulfillmentOrderId, input.idempotencyKey);
  const earlier = input.idempotencyKey
    ? await deps.findLabel(fo.orderId, fo.fulfillmentOrderId, labelId)
    : undefined;
  if (earlier) return { label: earlier, created: false };
  if (!SHIPPING_KINDS.includes(fo.kind))
    throw new ConflictError(`A ${fo.kind} fulfillment order is not shipped by a carrier.`, { kind: fo.kind });
  if (!LABELABLE.includes(fo.status))
    throw new ConflictError(`Fulfillment order ${fo.fulfillmentOrderId} is ${fo.status}: pack it first.`, {
      currentState: fo.status,
      allowedFrom: LABELABLE,
    });
  const parcel = parcelOf(fo, input.body);
  const [order, locations, account] = await Promise.all([
    deps.getOrder(fo.orderId),
    deps.listLocations(),
    deps.getCarrierAccount('shippo'),
  ]);
  const from = locations.find((location) => location.locationId === fo.locationId);
  const store = locations.find((location) => location.locationId === fo.transferTo);
  const to = fo.transferTo
    ? store && locationAddress(store)
    : order?.shippingAddress && customerAddress(order);
  if (!from || !to)
    throw new ConflictError(`Fulfillment order ${fo.fulfillmentOrderId} has no address to ship from or to.`);
  const apiToken = account?.active ? await deps.resolveSecret(account.apiTokenSecretName) : undefined;
  if (!account || !apiToken)
    throw new LabelProviderUnavailableError(
      'No label provider is configured; enter the tracking number instead.',
    );
  const details = await deps.labelProvider(account, apiToken).buyLabel({
    fulfillmentOrderId: fo.fulfillmentOrderId,
    from: locationAddress(from),
    to,
    parcel,
    ...(input.body.carrier !== undefined && { carrier: input.body.carrier }),
    ...(input.body.service !== undefined && { service: input.body.service }),
  });
  const label: Label = {
    labelId,
    fulfillmentOrderId: fo.fulfillmentOrderId,
    carrier: details.carrier,
    ...(details.service !== undefined && { service: details.service }),
    trackingNumber: details.trackingNumber,
    ...(details.trackingUrl !== undefined && { trackingUrl: details.trackingUrl }),
    ...(details.labelUrl !== undefined && { labelUrl: details.labelUrl }),
    ...(details.cost && { cost: details.cost }),
    ...(input.body.packageId !== undefined && { packageId: input.body.packageId }),
    provider: account.carrierId,
    boughtBy: input.actor,
    createdAt: deps.now().toISOString(),
  };
  const saved = await deps.saveLabel(fo.orderId, label);
  return { label: saved, created: saved === label };
}

function parcelOf(fo: FulfillmentOrderState, body: LabelBody) {
  if (body.parcel) return body.parcel;
  const found = fo.packages.find((candidate) => candidate.packageId === body.packageId);
  if (!found)
    throw new ValidationError(
      `Fulfillment order ${fo.fulfillmentOrderId} has no package "${body.packageId}".`,
      [{ path: 'packageId', message: 'is not a package of this fulfillment order' }],
    );
  if (found.weightGrams === undefined || !found.dimensionsCm)
    throw new ValidationError('The package was packed without weight and dimensions.', [
      { path: 'parcel', message: 'is required: the package has no weightGrams and dimensionsCm' },
    ]);
  return { weightGrams: found.weightGrams, dimensionsCm: found.dimensionsCm };
}

function locationAddress(location: Location): ShipmentAddress {
  const { address } = location;
  return {
    company: location.name,
    line1: address.line1 ?? location.name,
    city: address.city,
    ...(address.region !== undefined && { region: address.region }),
    ...(address.postalCode !== undefined && { postalCode: address.postalCode }),
    country: address.country,
  };
}

function customerAddress(order: Order): ShipmentAddress {
  const address = order.shippingAddress as Address;
  const name = address.name ?? order.customer?.name;
  return {
    ...(name !== undefined && { name }),
    ...(address.company !== undefined && { company: address.company }),
    line1: address.line1,
    ...(address.line2 !== undefined && { line2: address.line2 }),
    city: address.city,
    ...(address.region !== undefined && { region: address.region }),
    ...(address.postalCode !== undefined && { postalCode: address.postalCode }),
    country: address.country,
    ...((address.phone ?? order.customer?.phone) !== undefined && {
      phone: (address.phone ?? order.customer?.phone)!,
    }),
    ...(order.customer?.email !== undefined && { email: order.customer.email }),
  };
}
