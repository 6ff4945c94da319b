import { useState } from 'preact/hooks';
import { segment, type Api } from '../api';
import type { OverduePage, ReplenishmentSuggestion, SkuInventory } from '../types';
import { Loading, Problem, Status, navigate, useLoad, when } from '../ui';
import { KIND_NAMES } from '../work';

/** The single view of a SKU's stock: every location, and the network's totals. */
export function Stock({ api, sku }: { api: Api; sku?: string }) {
  const [typed, setTyped] = useState(sku ?? '');
  return (
    <>
      <h1>Stock</h1>
      <form
        class="scan"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed.trim()) navigate(`#/stock/${segment(typed.trim())}`);
        }}
      >
        <label class="field">
          SKU
          <input
            name="sku"
            value={typed}
            onInput={(event) => setTyped(event.currentTarget.value)}
            autocomplete="off"
          />
        </label>
        <button type="submit" class="primary">
          Show stock
        </button>
      </form>
      {sku && <StockTable api={api} sku={sku} />}
    </>
  );
}

function StockTable({ api, sku }: { api: Api; sku: string }) {
  const stock = useLoad(() => api.get<SkuInventory>(`/v1/inventory/${segment(sku)}`), [sku]);
  if (stock.loading && !stock.data) return <Loading what={`the stock of ${sku}`} />;
  if (!stock.data) return <Problem message={stock.error} />;
  const { network, locations, lowStock } = stock.data;
  return (
    <>
      <p>
        {sku}: {network.available} available to sell across {locations.length} locations ({network.onHand} on
        hand, {network.reserved} reserved, {network.inTransit} in transit)
        {lowStock && <strong class="late"> · low stock</strong>}
      </p>
      <div class="scroll" tabIndex={0}>
        <table>
          <caption>Stock of {sku} by location</caption>
          <thead>
            <tr>
              <th scope="col">Location</th>
              <th scope="col">On hand</th>
              <th scope="col">Reserved</th>
              <th scope="col">Available</th>
              <th scope="col">Safety stock</th>
            </tr>
          </thead>
          <tbody>
            {locations.map((level) => (
              <tr key={level.locationId}>
                <td>{level.locationId}</td>
                <td>{level.onHand}</td>
                <td>{level.reserved}</td>
                <td>{level.available}</td>
                <td>{level.safetyStock}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function Replenishment({ api }: { api: Api }) {
  const suggestions = useLoad(
    () => api.get<{ suggestions: ReplenishmentSuggestion[] }>('/v1/replenishment/suggestions'),
    [],
  );
  return (
    <>
      <h1>Replenishment</h1>
      {suggestions.loading && <Loading what="suggestions" />}
      <Problem message={suggestions.error} />
      {suggestions.data?.suggestions.length === 0 && <p>No SKU is below its reorder point.</p>}
      {suggestions.data?.suggestions.map((suggestion) => (
        <div class="scroll" tabIndex={0} key={suggestion.vendorId}>
          <table>
            <caption>Suggested purchase order for {suggestion.vendorId}</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Order</th>
                <th scope="col">Available to promise</th>
                <th scope="col">Reorder point</th>
              </tr>
            </thead>
            <tbody>
              {suggestion.lines.map((line) => (
                <tr key={line.sku}>
                  <td>
                    <a href={`#/stock/${segment(line.sku)}`}>{line.sku}</a>
                  </td>
                  <td>{line.quantity}</td>
                  <td>{line.availableToPromise}</td>
                  <td>{line.reorderPoint}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

export function Overdue({ api }: { api: Api }) {
  const page = useLoad(() => api.get<OverduePage>('/v1/fulfillment-orders?overdue=true&limit=100'), []);
  return (
    <>
      <h1>Overdue work</h1>
      {page.loading && <Loading what="overdue work" />}
      <Problem message={page.error} />
      {page.data?.items.length === 0 && <p>Nothing is overdue.</p>}
      {page.data && page.data.items.length > 0 && (
        <div class="scroll" tabIndex={0}>
          <table>
            <caption>Most overdue first, as of {when(page.data.asOf)}</caption>
            <thead>
              <tr>
                <th scope="col">Due</th>
                <th scope="col">Location</th>
                <th scope="col">Work</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((fo) => (
                <tr key={fo.fulfillmentOrderId}>
                  <td>{when(fo.dueBy)}</td>
                  <td>{fo.locationId}</td>
                  <td>
                    <a href={`#/fulfillment-orders/${segment(fo.fulfillmentOrderId)}`}>
                      {KIND_NAMES[fo.kind] ?? fo.kind}, order {fo.orderId}
                    </a>
                  </td>
                  <td>
                    <Status value={fo.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
