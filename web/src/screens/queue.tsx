import { useEffect, useState } from 'preact/hooks';
import { segment, type Api } from '../api';
import type { Session } from '../session';
import type { FulfillmentOrder, LocationSummary, WorkQueuePage } from '../types';
import { Loading, Problem, Status, useLoad, when } from '../ui';
import { KIND_NAMES, isOverdue, queueOrder } from '../work';

/**
 * The statuses a store works from, in the order of the work. The API lists one status per call
 * (the index is keyed `<location>#<status>`), so the queue is their union. SHIPPED and IN_TRANSIT
 * are read for the goods travelling here (ship-to-store, transfers) to be received.
 */
const WORK_STATUSES = ['CREATED', 'ACCEPTED', 'PICKED', 'PACKED', 'PARTIALLY_SHIPPED', 'READY_FOR_PICKUP'];
const INBOUND_STATUSES = ['SHIPPED', 'IN_TRANSIT'];

function loadStatuses(api: Api, locationId: string, statuses: string[]): Promise<WorkQueuePage[]> {
  return Promise.all(
    statuses.map((status) =>
      api.get<WorkQueuePage>(
        `/v1/locations/${segment(locationId)}/fulfillment-orders?status=${status}&limit=100`,
      ),
    ),
  );
}

/** The work at the location: six calls, one round trip on a browser's six connections per host. */
export async function loadWork(api: Api, locationId: string): Promise<FulfillmentOrder[]> {
  const pages = await loadStatuses(api, locationId, WORK_STATUSES);
  return pages.flatMap((page) => page.items);
}

/** Goods travelling to the location, to receive: fetched after the work, so the queue is drawn first. */
export async function loadInbound(api: Api, locationId: string): Promise<FulfillmentOrder[]> {
  const pages = await loadStatuses(api, locationId, INBOUND_STATUSES);
  return pages.flatMap((page) => page.items.filter((fo) => fo.transferTo === locationId));
}

export function Queue({ api, session }: { api: Api; session: Session }) {
  const mine = session.role === 'store';
  const locations = useLoad(
    async () =>
      mine
        ? session.locationIds.map((locationId) => ({ locationId, name: locationId, type: 'store' }))
        : (await api.get<{ items: LocationSummary[] }>('/v1/locations')).items,
    [session.token],
  );
  const [chosen, setChosen] = useState<string>();
  const locationId = chosen ?? locations.data?.[0]?.locationId;
  return (
    <>
      <h1>Work queue</h1>
      <Problem message={locations.error} />
      {(locations.data?.length ?? 0) > 1 && (
        <label class="field">
          Location
          <select value={locationId} onChange={(event) => setChosen(event.currentTarget.value)}>
            {locations.data?.map((location) => (
              <option key={location.locationId} value={location.locationId}>
                {location.name === location.locationId
                  ? location.locationId
                  : `${location.name} (${location.locationId})`}
              </option>
            ))}
          </select>
        </label>
      )}
      {locations.data?.length === 0 && <p>No location is yours to work at.</p>}
      {locationId && <QueueList api={api} locationId={locationId} />}
    </>
  );
}

function QueueList({ api, locationId }: { api: Api; locationId: string }) {
  const work = useLoad(() => loadWork(api, locationId), [locationId]);
  const [inbound, setInbound] = useState<{ items: FulfillmentOrder[]; error?: string }>({ items: [] });
  useEffect(() => {
    if (!work.data) return;
    let current = true;
    loadInbound(api, locationId).then(
      (items) => current && setInbound({ items }),
      (error: Error) => current && setInbound({ items: [], error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [work.data, locationId]);
  const now = Date.now();
  const queue = {
    data: work.data && queueOrder([...work.data, ...inbound.items], now),
    error: work.error ?? inbound.error,
    loading: work.loading,
    reload: work.reload,
  };
  return (
    <section aria-labelledby="queue-heading">
      <div class="row">
        <h2 id="queue-heading">{locationId}</h2>
        <button type="button" onClick={queue.reload} disabled={queue.loading}>
          Refresh
        </button>
      </div>
      {queue.loading && !queue.data && <Loading what="the queue" />}
      <Problem message={queue.error} />
      {queue.data?.length === 0 && <p>Nothing to do here right now.</p>}
      <ul class="queue">
        {queue.data?.map((fo) => (
          <li key={fo.fulfillmentOrderId}>
            <a
              class={`work-item${isOverdue(fo, now) ? ' overdue' : ''}`}
              href={`#/fulfillment-orders/${segment(fo.fulfillmentOrderId)}`}
            >
              <span class="row">
                <strong>{KIND_NAMES[fo.kind]}</strong>
                <Status value={fo.status} />
              </span>
              <span>
                {fo.lines.reduce((sum, line) => sum + line.quantity, 0)} units ·{' '}
                {fo.lines.map((line) => line.name ?? line.sku).join(', ')}
              </span>
              <span class="muted">
                {isOverdue(fo, now) ? <strong class="late">Overdue</strong> : 'Due'} {when(fo.dueBy)} · order{' '}
                {fo.orderId}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
