import { useState } from 'preact/hooks';
import { segment, type Api } from '../api';
import { canServiceOrders, type Session } from '../session';
import type { Address, HistoryEntry, OrderView, Tracking } from '../types';
import { Card, Loading, Problem, Status, day, navigate, useAction, useLoad, when } from '../ui';
import { KIND_NAMES } from '../work';

interface OrderSummary {
  orderId: string;
  channelId: string;
  externalId: string;
  status: string;
  placedAt: string;
  customerName?: string;
}

/**
 * Customer service finds an order by its id, or a customer's orders across channels by email or
 * phone (`GET /v1/orders?customer=`, the last 30 days, newest first).
 */
export function OrderSearch({ api }: { api: Api }) {
  const [orderId, setOrderId] = useState('');
  const [customer, setCustomer] = useState('');
  const [found, setFound] = useState<OrderSummary[]>();
  const action = useAction();
  return (
    <>
      <h1>Find an order</h1>
      <form
        class="scan"
        aria-label="By order id"
        onSubmit={(event) => {
          event.preventDefault();
          if (orderId.trim()) navigate(`#/orders/${segment(orderId.trim())}`);
        }}
      >
        <label class="field">
          Order id
          <input name="orderId" value={orderId} onInput={(event) => setOrderId(event.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          Open
        </button>
      </form>
      <form
        class="scan"
        aria-label="By customer"
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(async () => {
            const query = new URLSearchParams({ customer: customer.trim() });
            setFound((await api.get<{ orders: OrderSummary[] }>(`/v1/orders?${query}`)).orders);
          });
        }}
      >
        <label class="field">
          Customer email or phone
          <input
            name="customer"
            required
            value={customer}
            onInput={(event) => setCustomer(event.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          Find their orders
        </button>
      </form>
      <Problem message={action.error} />
      {found?.length === 0 && <p>No order of this customer in the last 30 days.</p>}
      {found && found.length > 0 && (
        <ul class="queue" aria-label="The customer's orders">
          {found.map((order) => (
            <li key={order.orderId}>
              <a class="work-item" href={`#/orders/${segment(order.orderId)}`}>
                <span class="row">
                  <strong>
                    {order.externalId} · {order.channelId}
                  </strong>
                  <Status value={order.status} />
                </span>
                <span class="muted">
                  {when(order.placedAt)}
                  {order.customerName && ` · ${order.customerName}`}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

interface OrderPageData {
  order: OrderView;
  tracking?: Tracking;
  history: HistoryEntry[];
}

async function loadOrder(api: Api, orderId: string): Promise<OrderPageData> {
  const path = `/v1/orders/${segment(orderId)}`;
  const [order, tracking, history] = await Promise.all([
    api.get<OrderView>(path),
    api.get<Tracking>(`${path}/tracking`).catch(() => undefined),
    api.get<{ history: HistoryEntry[] }>(`${path}/history`),
  ]);
  return { order, tracking, history: history.history };
}

/**
 * The order as customer service needs it on one page: where each line went and why, the work and
 * the parcels, the date the customer can expect, what was canceled, returned and refunded, and
 * every change. The actions reload the page, since one change moves several of these.
 */
export function OrderPage({ api, session, orderId }: { api: Api; session: Session; orderId: string }) {
  const page = useLoad(() => loadOrder(api, orderId), [orderId]);
  if (page.loading && !page.data) return <Loading what="the order" />;
  if (!page.data) return <Problem message={page.error} />;
  const { order, tracking, history } = page.data;
  const service = canServiceOrders(session);
  const canceledOf = (lineId: string) =>
    order.cancellations
      .flatMap((c) => c.canceled)
      .filter((c) => c.lineId === lineId)
      .reduce((sum, c) => sum + c.quantity, 0);
  return (
    <>
      <h1>
        Order {order.externalId} <Status value={order.status} />
      </h1>
      <p class="muted">
        {order.orderId} · {order.channelId} · {order.display.total}
        {order.customer?.name && ` · ${order.customer.name}`}
      </p>
      {tracking && (
        <p>
          {tracking.projectedDelivery
            ? `Expected ${day(tracking.projectedDelivery)}`
            : 'No delivery date promised yet'}
          {tracking.late && <strong class="late"> (late: promised {day(tracking.promisedBy)})</strong>}
        </p>
      )}
      <div class="scroll" tabIndex={0}>
        <table>
          <caption>Lines and where they went</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Name</th>
              <th scope="col">Qty</th>
              <th scope="col">Canceled</th>
              <th scope="col">Placed at</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.lineId}>
                <td>{line.sku}</td>
                <td>{line.name ?? '—'}</td>
                <td>{line.quantity}</td>
                <td>{canceledOf(line.lineId)}</td>
                <td>
                  {line.assignments
                    .map(
                      (a) =>
                        `${a.quantity} at ${a.locationId} (${KIND_NAMES[a.kind as keyof typeof KIND_NAMES] ?? a.kind})`,
                    )
                    .join('; ')}
                  {line.unplaced.map((u) => ` ${u.quantity} unplaced: ${u.reason}`).join('; ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {order.routing && (
        <Card title="Why it went there">
          <p class="muted">
            Rule set {order.routing.ruleSetId} v{order.routing.ruleSetVersion}: {order.routing.outcome}
          </p>
          <ul>
            {order.routing.summary.map((sentence, index) => (
              <li key={index}>{sentence}</li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Fulfillment and parcels">
        <ul>
          {order.fulfillmentOrders.map((fo) => (
            <li key={fo.fulfillmentOrderId}>
              {KIND_NAMES[fo.kind]} at {fo.locationId} <Status value={fo.status} />
              {(fo.shipments ?? []).map((s) => (
                <span key={s.shipmentId}>
                  {' '}
                  · {s.carrier}{' '}
                  {s.trackingUrl ? <a href={s.trackingUrl}>{s.trackingNumber}</a> : s.trackingNumber}
                </span>
              ))}
            </li>
          ))}
        </ul>
      </Card>
      {service && <CancelForm api={api} order={order} canceledOf={canceledOf} onDone={page.reload} />}
      {service && order.shippingAddress && <AddressForm api={api} order={order} onDone={page.reload} />}
      {service && <ReturnForm api={api} order={order} onDone={page.reload} />}
      {order.returns.length > 0 && <Returns api={api} order={order} onDone={page.reload} />}
      <Card title="Refunds">
        {order.refunds.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {order.refunds.map((refund) => (
              <li key={refund.refundId}>
                {when(refund.recordedAt)} · {refund.cause} · {(refund.total / 100).toFixed(2)}{' '}
                {order.currency}
              </li>
            ))}
          </ul>
        )}
        <p>Refunded in all: {order.refunded.display}</p>
      </Card>
      <Card title="History">
        <ol class="history">
          {history.map((entry, index) => (
            <li key={index}>
              <span class="muted">{when(entry.at)}</span> {entry.kind.replace(/_/g, ' ')}
              {' · '}
              {entry.by.sub ?? entry.by.component ?? entry.by.channelId ?? entry.by.type}
              {entry.why && ` · ${entry.why}`}
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}

function QuantityInputs({
  lines,
  values,
  onChange,
  legend,
}: {
  lines: { lineId: string; label: string; max: number }[];
  values: Record<string, number>;
  onChange: (values: Record<string, number>) => void;
  legend: string;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {lines.map((line) => (
        <label class="field" key={line.lineId}>
          {line.label} (up to {line.max})
          <input
            type="number"
            min={0}
            max={line.max}
            name={`quantity-${line.lineId}`}
            value={values[line.lineId] ?? 0}
            onInput={(event) => onChange({ ...values, [line.lineId]: Number(event.currentTarget.value) })}
          />
        </label>
      ))}
    </fieldset>
  );
}

const chosen = (values: Record<string, number>) =>
  Object.entries(values)
    .filter(([, quantity]) => quantity > 0)
    .map(([lineId, quantity]) => ({ lineId, quantity }));

function CancelForm({
  api,
  order,
  canceledOf,
  onDone,
}: {
  api: Api;
  order: OrderView;
  canceledOf: (lineId: string) => number;
  onDone: () => void;
}) {
  const [values, setValues] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('Customer asked');
  const action = useAction();
  const lines = order.lines
    .map((line) => ({
      lineId: line.lineId,
      label: `${line.name ?? line.sku}`,
      max: line.quantity - canceledOf(line.lineId),
    }))
    .filter((line) => line.max > 0);
  if (lines.length === 0) return null;
  return (
    <form
      class="card"
      aria-label="Cancel lines"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          await api.post(`/v1/orders/${segment(order.orderId)}/cancel`, { reason, lines: chosen(values) });
          setValues({});
          onDone();
        });
      }}
    >
      <h2>Cancel lines</h2>
      <QuantityInputs lines={lines} values={values} onChange={setValues} legend="Units to cancel" />
      <label class="field">
        Reason
        <input
          name="cancelReason"
          required
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </label>
      <Problem message={action.error} />
      <button type="submit" class="danger" disabled={action.busy || chosen(values).length === 0}>
        Cancel these units
      </button>
    </form>
  );
}

const ADDRESS_FIELDS: [keyof Address, string][] = [
  ['name', 'Name'],
  ['line1', 'Street'],
  ['postalCode', 'Postal code'],
  ['city', 'City'],
  ['country', 'Country (ISO code)'],
];

function AddressForm({ api, order, onDone }: { api: Api; order: OrderView; onDone: () => void }) {
  const [address, setAddress] = useState<Address>(order.shippingAddress!);
  const action = useAction();
  return (
    <form
      class="card"
      aria-label="Shipping address"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          await api.post(
            `/v1/orders/${segment(order.orderId)}/shipping-address`,
            { address, reason: 'Customer asked' },
            'PUT',
          );
          onDone();
        });
      }}
    >
      <h2>Shipping address</h2>
      {ADDRESS_FIELDS.map(([field, label]) => (
        <label class="field" key={field}>
          {label}
          <input
            name={`address-${field}`}
            value={address[field] ?? ''}
            onInput={(event) => setAddress({ ...address, [field]: event.currentTarget.value })}
          />
        </label>
      ))}
      <Problem message={action.error} />
      <button type="submit" disabled={action.busy}>
        Change the address
      </button>
    </form>
  );
}

const WITH_CUSTOMER = ['DELIVERED', 'PICKED_UP'];

function withCustomer(order: OrderView, lineId: string): number {
  return order.fulfillmentOrders
    .filter((fo) => WITH_CUSTOMER.includes(fo.status) && fo.orderId === order.orderId)
    .flatMap((fo) => fo.lines)
    .filter((line) => line.lineId === lineId)
    .reduce((sum, line) => sum + line.quantity - (line.released ?? 0), 0);
}

function ReturnForm({ api, order, onDone }: { api: Api; order: OrderView; onDone: () => void }) {
  const [values, setValues] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('Does not fit');
  const action = useAction();
  // Only goods with the customer can come back: delivered, or collected at a store.
  const lines = order.lines
    .map((line) => ({
      lineId: line.lineId,
      label: line.name ?? line.sku,
      max: withCustomer(order, line.lineId),
    }))
    .filter((line) => line.max > 0);
  if (lines.length === 0) return null;
  return (
    <form
      class="card"
      aria-label="Return"
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          await api.post('/v1/returns', {
            orderId: order.orderId,
            lines: chosen(values).map((line) => ({ ...line, reason })),
          });
          setValues({});
          onDone();
        });
      }}
    >
      <h2>Open a return</h2>
      <QuantityInputs lines={lines} values={values} onChange={setValues} legend="Units coming back" />
      <label class="field">
        Reason
        <input
          name="returnReason"
          required
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </label>
      <Problem message={action.error} />
      <button type="submit" disabled={action.busy || chosen(values).length === 0}>
        Open the return
      </button>
    </form>
  );
}

function Returns({ api, order, onDone }: { api: Api; order: OrderView; onDone: () => void }) {
  const [locationId, setLocationId] = useState('WH-LIS');
  const action = useAction();
  return (
    <Card title="Returns">
      <Problem message={action.error} />
      <ul>
        {order.returns.map((authorization) => (
          <li key={authorization.returnId}>
            {authorization.returnId} <Status value={authorization.status} />{' '}
            {authorization.lines.map((line) => `${line.quantity} × line ${line.lineId}`).join(', ')}
            {authorization.status === 'AUTHORIZED' && (
              <form
                class="row"
                onSubmit={(event) => {
                  event.preventDefault();
                  void action.run(async () => {
                    await api.post(`/v1/returns/${segment(authorization.returnId)}/receive`, {
                      locationId,
                      lines: authorization.lines.map((line) => ({
                        lineId: line.lineId,
                        quantity: line.quantity,
                        condition: 'resellable',
                      })),
                    });
                    onDone();
                  });
                }}
              >
                <label class="field">
                  Received at
                  <input
                    name="returnLocation"
                    value={locationId}
                    onInput={(event) => setLocationId(event.currentTarget.value)}
                  />
                </label>
                <button type="submit" disabled={action.busy}>
                  Receive as resellable
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
