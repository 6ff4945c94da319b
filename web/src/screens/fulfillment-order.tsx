import { useState } from 'preact/hooks';
import { segment, type Api } from '../api';
import type { Session } from '../session';
import type { FulfillmentOrder } from '../types';
import { Card, Loading, Problem, Status, useAction, useLoad, when } from '../ui';
import { KIND_NAMES, isOverdue } from '../work';

/**
 * One fulfillment order as the associate works it: the pick list, and only the actions the state
 * machine allows from where it is (functions/domain/fulfillment/machine.ts) and that this person
 * may take here (a store only at its own locations, or as the pick-up store for receive and
 * hand-over). Every action goes out with its own Idempotency-Key (api.ts).
 */
export function FulfillmentOrderScreen({ api, session, id }: { api: Api; session: Session; id: string }) {
  const loaded = useLoad(() => api.get<FulfillmentOrder>(`/v1/fulfillment-orders/${segment(id)}`), [id]);
  const [current, setCurrent] = useState<FulfillmentOrder>();
  const fo = current?.fulfillmentOrderId === id ? current : loaded.data;
  if (loaded.loading && !fo) return <Loading what="the fulfillment order" />;
  if (!fo) return <Problem message={loaded.error} />;
  const act = async (action: string, body: unknown = {}) =>
    setCurrent(await api.post<FulfillmentOrder>(`/v1/fulfillment-orders/${segment(id)}/${action}`, body));
  const mayAct = (locationId: string | undefined) =>
    session.role !== 'store' || (locationId !== undefined && session.locationIds.includes(locationId));
  const here = mayAct(fo.locationId);
  const destination = mayAct(fo.kind === 'pickup' ? fo.locationId : fo.transferTo);
  return (
    <>
      <p>
        <a href="#/queue">← Work queue</a>
      </p>
      <h1>
        {KIND_NAMES[fo.kind]} <Status value={fo.status} />
      </h1>
      <p class="muted">
        {fo.fulfillmentOrderId} · order {fo.orderId} · at {fo.locationId}
        {fo.transferTo && ` → ${fo.transferTo}`}
      </p>
      <p>
        {isOverdue(fo, Date.now()) ? <strong class="late">Overdue: </strong> : 'Due '}
        {when(fo.dueBy)}
      </p>
      {fo.shipTo && (
        <p>
          Ship to {fo.shipTo.name}, {fo.shipTo.line1}, {fo.shipTo.postalCode} {fo.shipTo.city},{' '}
          {fo.shipTo.country}
        </p>
      )}
      {fo.pickup?.customer?.name && <p>Collected by {fo.pickup.customer.name}</p>}
      {fo.status === 'ACCEPTED' && here ? (
        <PickList fo={fo} onPick={(lines) => act('pick', { lines })} />
      ) : (
        <Lines fo={fo} />
      )}
      {here && fo.status === 'CREATED' && <ActionButton label="Accept" run={() => act('accept')} primary />}
      {here && (fo.status === 'CREATED' || fo.status === 'ACCEPTED') && (
        <RejectForm onReject={(reason) => act('reject', { reason })} />
      )}
      {here && fo.status === 'PICKED' && fo.kind !== 'pickup' && (
        <ActionButton
          label="Pack into one package"
          run={() => act('pack', { packages: [packageOf(fo)] })}
          primary
        />
      )}
      {here && fo.kind === 'pickup' && (fo.status === 'PICKED' || fo.status === 'PACKED') && (
        <ActionButton label="Ready for pick-up" run={() => act('ready-for-pickup')} primary />
      )}
      {here && fo.kind !== 'pickup' && (fo.status === 'PACKED' || fo.status === 'PARTIALLY_SHIPPED') && (
        <ShipForm onShip={(body) => act('ship', body)} />
      )}
      {destination &&
        (fo.kind === 'ship_to_store' || fo.kind === 'transfer') &&
        (fo.status === 'SHIPPED' || fo.status === 'IN_TRANSIT') && (
          <ActionButton label="Received at this store" run={() => act('receive')} primary />
        )}
      {destination && fo.status === 'READY_FOR_PICKUP' && (
        <HandOverForm onHandOver={(pickupCode) => act('picked-up', { pickupCode })} />
      )}
      {fo.shipments.length > 0 && (
        <Card title="Shipments">
          <ul>
            {fo.shipments.map((shipment) => (
              <li key={shipment.shipmentId}>
                {shipment.carrier} {shipment.service} · {shipment.trackingNumber} ·{' '}
                <Status value={shipment.status} />
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

function packageOf(fo: FulfillmentOrder) {
  return {
    lines: fo.lines
      .map((line) => ({ lineId: line.lineId, quantity: line.picked - line.packed }))
      .filter((line) => line.quantity > 0),
  };
}

function Lines({ fo }: { fo: FulfillmentOrder }) {
  return (
    <div class="scroll" tabIndex={0}>
      <table>
        <caption>Pick list</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Name</th>
            <th scope="col">Qty</th>
            <th scope="col">Picked</th>
            <th scope="col">Shipped</th>
          </tr>
        </thead>
        <tbody>
          {fo.lines.map((line) => (
            <tr key={line.lineId}>
              <td>{line.sku}</td>
              <td>{line.name ?? '—'}</td>
              <td>{line.quantity}</td>
              <td>{line.picked}</td>
              <td>{line.shipped}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Scan or type each unit's SKU: a unit is confirmed per scan, so the count on the shelf is what is
 * sent. Fewer than asked is a short pick: the API re-routes the rest and corrects this store's stock.
 */
function PickList({
  fo,
  onPick,
}: {
  fo: FulfillmentOrder;
  onPick: (lines: { lineId: string; quantity: number }[]) => Promise<void>;
}) {
  const open = fo.lines.filter((line) => line.open > 0);
  const [found, setFound] = useState<Record<string, number>>({});
  const [scan, setScan] = useState('');
  const [message, setMessage] = useState<string>();
  const action = useAction();
  const confirmUnit = (event: Event) => {
    event.preventDefault();
    const sku = scan.trim();
    const line = open.find(
      (candidate) => candidate.sku === sku && (found[candidate.lineId] ?? 0) < candidate.open,
    );
    if (!line) {
      setMessage(
        open.some((candidate) => candidate.sku === sku)
          ? `Every unit of ${sku} is confirmed.`
          : `${sku} is not on this pick list.`,
      );
    } else {
      setFound({ ...found, [line.lineId]: (found[line.lineId] ?? 0) + 1 });
      setMessage(`Confirmed one ${line.name ?? sku}.`);
    }
    setScan('');
  };
  const missing = open.reduce((sum, line) => sum + line.open - (found[line.lineId] ?? 0), 0);
  return (
    <>
      <form class="scan" onSubmit={confirmUnit}>
        <label class="field">
          Scan or type a SKU
          <input
            name="sku"
            value={scan}
            onInput={(event) => setScan(event.currentTarget.value)}
            autocomplete="off"
            autocapitalize="characters"
            enterkeyhint="done"
          />
        </label>
        <button type="submit">Confirm unit</button>
      </form>
      <p role="status" class="muted">
        {message}
      </p>
      <div class="scroll" tabIndex={0}>
        <table>
          <caption>Pick list</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Name</th>
              <th scope="col">Found</th>
            </tr>
          </thead>
          <tbody>
            {open.map((line) => (
              <tr key={line.lineId} class={(found[line.lineId] ?? 0) === line.open ? 'done' : ''}>
                <td>{line.sku}</td>
                <td>{line.name ?? '—'}</td>
                <td>
                  {found[line.lineId] ?? 0} of {line.open}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Problem message={action.error} />
      <button
        type="button"
        class={missing === 0 ? 'primary' : 'warning'}
        disabled={action.busy}
        onClick={() =>
          void action.run(() =>
            onPick(open.map((line) => ({ lineId: line.lineId, quantity: found[line.lineId] ?? 0 }))),
          )
        }
      >
        {missing === 0 ? 'Picked everything' : `Short pick: ${missing} not found`}
      </button>
    </>
  );
}

function ActionButton({
  label,
  run,
  primary,
}: {
  label: string;
  run: () => Promise<void>;
  primary?: boolean;
}) {
  const action = useAction();
  return (
    <div class="action">
      <Problem message={action.error} />
      <button
        type="button"
        class={primary ? 'primary' : ''}
        disabled={action.busy}
        onClick={() => void action.run(run)}
      >
        {label}
      </button>
    </div>
  );
}

const REJECT_REASONS = ['Out of stock', 'Damaged', 'Store closing', 'Too busy'];

function RejectForm({ onReject }: { onReject: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState(REJECT_REASONS[0]!);
  const action = useAction();
  return (
    <form
      class="card"
      aria-label="Reject"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(() => onReject(reason));
      }}
    >
      <label class="field">
        Reason to reject
        <select value={reason} onChange={(event) => setReason(event.currentTarget.value)}>
          {REJECT_REASONS.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      </label>
      <Problem message={action.error} />
      <button type="submit" class="danger" disabled={action.busy}>
        Reject: send back to routing
      </button>
    </form>
  );
}

const CARRIERS = ['CTT', 'SEUR', 'UPS', 'DHL', 'FedEx', 'USPS'];

function ShipForm({ onShip }: { onShip: (body: Record<string, string>) => Promise<void> }) {
  const [carrier, setCarrier] = useState(CARRIERS[0]!);
  const [trackingNumber, setTrackingNumber] = useState('');
  const action = useAction();
  return (
    <form
      class="card"
      aria-label="Ship"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(() => onShip({ carrier, trackingNumber: trackingNumber.trim() }));
      }}
    >
      <label class="field">
        Carrier
        <select value={carrier} onChange={(event) => setCarrier(event.currentTarget.value)}>
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
          value={trackingNumber}
          onInput={(event) => setTrackingNumber(event.currentTarget.value)}
          autocomplete="off"
        />
      </label>
      <Problem message={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        Ship
      </button>
    </form>
  );
}

function HandOverForm({ onHandOver }: { onHandOver: (code: string) => Promise<void> }) {
  const [code, setCode] = useState('');
  const action = useAction();
  return (
    <form
      class="card"
      aria-label="Hand over"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(() => onHandOver(code.trim()));
      }}
    >
      <label class="field">
        Pick-up code (the customer's six digits)
        <input
          name="pickupCode"
          inputMode="numeric"
          pattern="[0-9]{6}"
          required
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
          autocomplete="off"
        />
      </label>
      <Problem message={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        Hand over
      </button>
    </form>
  );
}
