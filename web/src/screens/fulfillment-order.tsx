import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ActionForm } from '../action-form';
import { segment, type Api } from '../api';
import type { Session } from '../session';
import type { FulfillmentLine, FulfillmentOrder } from '../types';
import { Card, Loading, Problem, Status, useLoad, when } from '../ui';
import { isOverdue, packagesToShip, receipt, unpackedLines, workTitle } from '../work';
import { PackForm } from './pack-form';
import { CarrierFields, NO_SHIPMENT, ShipPackages, typedShipment, type ShipBody } from './ship-package';

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
  const viewedFrom = session.locationIds.find(
    (locationId) => locationId === fo.locationId || locationId === fo.transferTo,
  );
  const received = receipt(fo);
  const is = (...statuses: string[]) => statuses.includes(fo.status);
  const ships = fo.kind !== 'pickup';
  return (
    <>
      <p>
        <a href="#/queue">← Work queue</a>
      </p>
      <h1>
        {workTitle(fo, viewedFrom)} <Status value={fo.status} />
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
      {fo.transferTo && fo.transferTo !== fo.locationId && (
        <p>
          Goods travel from {fo.locationId} to {fo.transferTo}
          {fo.kind === 'transfer' ? ', for a click-and-collect there.' : '.'}
        </p>
      )}
      {received && (
        <p class="received" role="status">
          Received {received.units} {received.units === 1 ? 'unit' : 'units'} at {fo.transferTo},{' '}
          {when(received.at)}
        </p>
      )}
      {fo.pickup?.customer?.name && <p>Collected by {fo.pickup.customer.name}</p>}
      {fo.status === 'ACCEPTED' && here ? (
        <PickList fo={fo} onPick={(lines) => act('pick', { lines })} />
      ) : (
        <Lines fo={fo} />
      )}
      {here && is('CREATED') && <ActionForm name="Accept" submit="Accept" run={() => act('accept')} />}
      {here && is('CREATED', 'ACCEPTED') && <RejectForm onReject={(reason) => act('reject', { reason })} />}
      {here && ships && is('PICKED', 'PACKED', 'PARTIALLY_SHIPPED') && unpackedLines(fo).length > 0 && (
        <PackForm fo={fo} onPack={(body) => act('pack', body)} />
      )}
      {here && fo.kind === 'pickup' && is('PICKED', 'PACKED') && (
        <ActionForm name="Ready for pick-up" submit="Ready for pick-up" run={() => act('ready-for-pickup')} />
      )}
      {here && ships && is('PACKED', 'PARTIALLY_SHIPPED') && (
        <ShipWork api={api} fo={fo} onShip={(body) => act('ship', body)} />
      )}
      {destination &&
        (fo.kind === 'ship_to_store' || fo.kind === 'transfer') &&
        is('SHIPPED', 'IN_TRANSIT') && (
          <ActionForm name="Receive" submit="Received at this store" run={() => act('receive')} />
        )}
      {destination && is('READY_FOR_PICKUP') && (
        <HandOverForm onHandOver={(pickupCode) => act('picked-up', { pickupCode })} />
      )}
      {fo.shipments.length > 0 && (
        <Card title="Shipments">
          <ul>
            {fo.shipments.map((shipment) => (
              <li key={shipment.shipmentId}>
                {shipment.carrier} {shipment.service} ·{' '}
                {shipment.trackingUrl ? (
                  <a href={shipment.trackingUrl} target="_blank" rel="noopener noreferrer">
                    {shipment.trackingNumber}
                  </a>
                ) : (
                  shipment.trackingNumber
                )}{' '}
                · <Status value={shipment.status} />
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}

/** The packages to ship one by one; work packed outside the console (no package left to name) ships whole. */
function ShipWork({
  api,
  fo,
  onShip,
}: {
  api: Api;
  fo: FulfillmentOrder;
  onShip: (body: ShipBody) => Promise<void>;
}) {
  const packages = packagesToShip(fo);
  if (packages.length > 0) return <ShipPackages api={api} fo={fo} packages={packages} onShip={onShip} />;
  return <ShipEverything onShip={onShip} />;
}

function ShipEverything({ onShip }: { onShip: (body: ShipBody) => Promise<void> }) {
  const [shipment, setShipment] = useState(NO_SHIPMENT);
  return (
    <ActionForm name="Ship" submit="Ship" run={() => onShip(typedShipment(shipment))}>
      <CarrierFields value={shipment} onChange={setShipment} />
    </ActionForm>
  );
}

/** The lines in a table, one column per entry of `columns`. */
function LineTable({
  lines,
  columns,
  done,
}: {
  lines: FulfillmentLine[];
  columns: [string, (line: FulfillmentLine) => ComponentChildren][];
  done?: (line: FulfillmentLine) => boolean;
}) {
  return (
    <div class="scroll" tabIndex={0}>
      <table>
        <caption>Pick list</caption>
        <thead>
          <tr>
            {columns.map(([heading]) => (
              <th scope="col" key={heading}>
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.lineId} class={done?.(line) ? 'done' : ''}>
              {columns.map(([heading, cell]) => (
                <td key={heading}>{cell(line)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const SKU_AND_NAME: [string, (line: FulfillmentLine) => ComponentChildren][] = [
  ['SKU', (line) => line.sku],
  ['Name', (line) => line.name ?? '—'],
];

function Lines({ fo }: { fo: FulfillmentOrder }) {
  return (
    <LineTable
      lines={fo.lines}
      columns={[
        ...SKU_AND_NAME,
        ['Qty', (line) => line.quantity],
        ['Picked', (line) => line.picked],
        ['Packed', (line) => line.packed],
        ['Shipped', (line) => line.shipped],
      ]}
    />
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
      <ActionForm
        name="Pick"
        submit={missing === 0 ? 'Picked everything' : `Short pick: ${missing} not found`}
        tone={missing === 0 ? 'primary' : 'warning'}
        run={() => onPick(open.map((line) => ({ lineId: line.lineId, quantity: found[line.lineId] ?? 0 })))}
      >
        <LineTable
          lines={open}
          columns={[...SKU_AND_NAME, ['Found', (line) => `${found[line.lineId] ?? 0} of ${line.open}`]]}
          done={(line) => (found[line.lineId] ?? 0) === line.open}
        />
      </ActionForm>
    </>
  );
}

const REJECT_REASONS = ['Out of stock', 'Damaged', 'Store closing', 'Too busy'];

function RejectForm({ onReject }: { onReject: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState(REJECT_REASONS[0]!);
  return (
    <ActionForm
      name="Reject"
      submit="Reject: send back to routing"
      tone="danger"
      run={() => onReject(reason)}
    >
      <label class="field">
        Reason to reject
        <select value={reason} onChange={(event) => setReason(event.currentTarget.value)}>
          {REJECT_REASONS.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      </label>
    </ActionForm>
  );
}

function HandOverForm({ onHandOver }: { onHandOver: (code: string) => Promise<void> }) {
  const [code, setCode] = useState('');
  return (
    <ActionForm name="Hand over" submit="Hand over" run={() => onHandOver(code.trim())}>
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
    </ActionForm>
  );
}
