import { useState } from 'preact/hooks';
import { ActionForm } from '../action-form';
import { segment, type Api } from '../api';
import type { FulfillmentOrder, Label, Package } from '../types';
import { shipWithLabel } from '../work';

export interface ShipBody {
  carrier: string;
  service?: string;
  trackingNumber: string;
  trackingUrl?: string;
  lines?: { lineId: string; quantity: number }[];
}

const CARRIERS = ['CTT', 'SEUR', 'UPS', 'DHL', 'FedEx', 'USPS'];

export const NO_SHIPMENT = { carrier: CARRIERS[0]!, trackingNumber: '' };
export type TypedShipment = typeof NO_SHIPMENT;
export const typedShipment = (typed: TypedShipment): ShipBody => ({
  carrier: typed.carrier,
  trackingNumber: typed.trackingNumber.trim(),
});

/** Carrier and tracking number as the associate types them, for a parcel sent without a bought label. */
export function CarrierFields({
  value,
  onChange,
}: {
  value: TypedShipment;
  onChange: (value: TypedShipment) => void;
}) {
  return (
    <>
      <label class="field">
        Carrier
        <select
          value={value.carrier}
          onChange={(event) => onChange({ ...value, carrier: event.currentTarget.value })}
        >
          {CARRIERS.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      </label>
      <label class="field">
        Tracking number
        <input
          name="trackingNumber"
          required
          value={value.trackingNumber}
          onInput={(event) => onChange({ ...value, trackingNumber: event.currentTarget.value })}
          autocomplete="off"
        />
      </label>
    </>
  );
}

/**
 * Each package still to ship, one card each: buy its label (`POST …/labels`, the cheapest rate;
 * only for a package packed with weight and size, which the provider prices) and ship with it,
 * or type the carrier and tracking number of a label made elsewhere. The label's Idempotency-Key
 * is the package's own, so a package is paid for once: a lost answer, a double tap or buying
 * again after a reload answers the label bought first.
 */
export function ShipPackages({
  api,
  fo,
  packages,
  onShip,
}: {
  api: Api;
  fo: FulfillmentOrder;
  packages: Package[];
  onShip: (body: ShipBody) => Promise<void>;
}) {
  const [labels, setLabels] = useState<Record<string, Label>>({});
  const number = (pkg: Package) => fo.packages.indexOf(pkg) + 1;
  const buyLabel = async (pkg: Package) => {
    const label = await api.post<Label>(
      `/v1/fulfillment-orders/${segment(fo.fulfillmentOrderId)}/labels`,
      { packageId: pkg.packageId },
      'POST',
      `label-${pkg.packageId}`,
    );
    setLabels((bought) => ({ ...bought, [pkg.packageId]: label }));
  };
  return (
    <>
      {packages.map((pkg) => (
        <ShipPackage
          key={pkg.packageId}
          fo={fo}
          pkg={pkg}
          name={`Package ${number(pkg)} of ${fo.packages.length}`}
          label={labels[pkg.packageId]}
          onBuyLabel={() => buyLabel(pkg)}
          onShip={onShip}
        />
      ))}
    </>
  );
}

function ShipPackage({
  fo,
  pkg,
  name,
  label,
  onBuyLabel,
  onShip,
}: {
  fo: FulfillmentOrder;
  pkg: Package;
  name: string;
  label: Label | undefined;
  onBuyLabel: () => Promise<void>;
  onShip: (body: ShipBody) => Promise<void>;
}) {
  const [shipment, setShipment] = useState(NO_SHIPMENT);
  const contents = pkg.lines
    .map(({ lineId, quantity }) => {
      const line = fo.lines.find((candidate) => candidate.lineId === lineId);
      return `${quantity} × ${line?.name ?? line?.sku ?? lineId}`;
    })
    .join(', ');
  const size = pkg.dimensionsCm;
  return (
    <section class="card" aria-label={name}>
      <h2>{name}</h2>
      <p>
        {contents}
        {pkg.weightGrams !== undefined && ` · ${pkg.weightGrams} g`}
        {size && ` · ${size.length} × ${size.width} × ${size.height} cm`}
      </p>
      {label ? (
        <>
          <p>
            Label: {label.carrier} {label.service} · tracking {label.trackingNumber}
            {label.labelUrl && (
              <>
                {' · '}
                <a href={label.labelUrl} target="_blank" rel="noopener noreferrer">
                  Print the label
                </a>
              </>
            )}
          </p>
          <ActionForm
            name={`Ship ${name} with its label`}
            submit="Ship with this label"
            run={() => onShip(shipWithLabel(label, pkg))}
          />
        </>
      ) : (
        <>
          {pkg.weightGrams !== undefined && size ? (
            <ActionForm name={`Buy a label for ${name}`} submit="Buy a label" tone="plain" run={onBuyLabel} />
          ) : (
            <p class="muted">A label can be bought for a package packed with its weight and size.</p>
          )}
          <ActionForm
            name={`Ship ${name}`}
            submit="Ship this package"
            run={() => onShip({ ...typedShipment(shipment), lines: pkg.lines })}
          >
            <CarrierFields value={shipment} onChange={setShipment} />
          </ActionForm>
        </>
      )}
    </section>
  );
}
