import { useEffect, useState } from 'preact/hooks';
import { segment, type Api } from '../api';
import { workPath } from '../early';
import type { Session } from '../session';
import type { FulfillmentOrder, LocationSummary, WorkPage } from '../types';
import { Loading, Problem, Status, useLoad, when } from '../ui';
import { TRAVELLING_STATUSES, directionAt, isOverdue, queueOrder, workAt, workTitle } from '../work';
import { FulfillmentOrderScreen } from './lazy';

/**
 * The work at the location in one call (`statuses`; main.ts sends it before this code has
 * arrived when the page opens on the queue): new, accepted, picked, packed, partly shipped and
 * ready for pick-up, transfers out included until they leave.
 */
export async function loadWork(api: Api, locationId: string): Promise<FulfillmentOrder[]> {
  return (await api.get<WorkPage>(workPath(locationId))).items;
}

/**
 * Goods travelling to the location, to receive: fetched after the work, so the queue is drawn
 * first. The same statuses hold the location's own parcels on their way to customers, left out.
 */
export async function loadInbound(api: Api, locationId: string): Promise<FulfillmentOrder[]> {
  return workAt((await api.get<WorkPage>(workPath(locationId, TRAVELLING_STATUSES))).items, locationId);
}

export function Queue({ api, session }: { api: Api; session: Session }) {
  const mine = session.role === 'store';
  // A store's own locations are in its token: known at once, so its queue is read without a wait.
  const own = mine
    ? session.locationIds.map((locationId) => ({ locationId, name: locationId, type: 'store' }))
    : undefined;
  const listed = useLoad(
    async () => own ?? (await api.get<{ items: LocationSummary[] }>('/v1/locations')).items,
    [session.token],
  );
  const locations = { ...listed, data: own ?? listed.data };
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
  useEffect(() => {
    // The next screen an associate opens: its code downloads once the queue is drawn.
    if (work.data) void FulfillmentOrderScreen.preload().catch(() => undefined);
  }, [work.data]);
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
                <strong>{workTitle(fo, locationId)}</strong>
                <Status value={fo.status} />
              </span>
              {directionAt(fo, locationId) === 'in' && TRAVELLING_STATUSES.includes(fo.status) && (
                <span class="inbound">On its way here: receive it when it arrives</span>
              )}
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
