import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { DailyColumns, HorizontalBars, type Datum } from '../charts';
import type { FulfillmentReport, SalesFigures, SalesReport } from '../types';
import { Loading, Problem, useLoad } from '../ui';

/**
 * Sales and fulfillment KPIs of a range of days (docs/reports.md): revenue per day and per channel
 * for each currency (the OMS never converts), and the fulfillment rates and times, each chart
 * with its figures in a table.
 */
const DAY_MS = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

export function Kpis({ api }: { api: Api }) {
  const today = Date.now();
  const [range, setRange] = useState({ from: isoDay(today - 13 * DAY_MS), to: isoDay(today) });
  const [typed, setTyped] = useState(range);
  return (
    <>
      <h1>Sales and fulfillment</h1>
      <form
        class="scan"
        onSubmit={(event) => {
          event.preventDefault();
          setRange(typed);
        }}
      >
        <label class="field">
          From
          <input
            type="date"
            name="from"
            value={typed.from}
            onInput={(event) => setTyped({ ...typed, from: event.currentTarget.value })}
          />
        </label>
        <label class="field">
          To
          <input
            type="date"
            name="to"
            value={typed.to}
            onInput={(event) => setTyped({ ...typed, to: event.currentTarget.value })}
          />
        </label>
        <button type="submit" class="primary">
          Show
        </button>
      </form>
      <Reports api={api} from={range.from} to={range.to} key={`${range.from}/${range.to}`} />
    </>
  );
}

function Reports({ api, from, to }: { api: Api; from: string; to: string }) {
  const query = `from=${from}&to=${to}`;
  const reports = useLoad(
    () =>
      Promise.all([
        api.get<SalesReport<'day'>>(`/v1/reports/sales?${query}&groupBy=day`),
        api.get<SalesReport<'channelId'>>(`/v1/reports/sales?${query}&groupBy=channel`),
        api.get<FulfillmentReport>(`/v1/reports/fulfillment?${query}`),
      ]),
    [query],
  );
  if (reports.loading && !reports.data) return <Loading what="the reports" />;
  if (!reports.data) return <Problem message={reports.error} />;
  const [byDay, byChannel, fulfillment] = reports.data;
  const currencies = [...new Set(byDay.rows.map((row) => row.currency))].sort();
  return (
    <>
      <p class="muted">
        {from} to {to}, days of the {byDay.timeZone} time zone.
      </p>
      <h2>Sales</h2>
      {currencies.length === 0 && <p>No sales in this range.</p>}
      {currencies.map((currency) => (
        <section class="card" key={currency} aria-label={`Sales in ${currency}`}>
          <h3>In {currency}</h3>
          <DailyColumns
            id={`sales-day-${currency}`}
            title={`Revenue per day, ${currency}`}
            data={daysOf(from, to).map((day) => {
              const revenue =
                byDay.rows.find((row) => row.day === day && row.currency === currency)?.revenue ?? 0;
              return { label: day, value: revenue, text: money(revenue, currency) };
            })}
          />
          <SalesTable
            caption={`Sales per day, ${currency}`}
            keyName="Day"
            rows={byDay.rows
              .filter((row) => row.currency === currency)
              .map((row) => ({ key: row.day ?? '—', ...row }))}
          />
          {(() => {
            const channels = byChannel.rows
              .filter((row) => row.currency === currency)
              .map((row) => ({ key: row.channelId ?? 'no channel', ...row }));
            return (
              <>
                <HorizontalBars
                  id={`sales-channel-${currency}`}
                  title={`Revenue per channel, ${currency}`}
                  data={channels.map((row) => ({
                    label: row.key,
                    value: row.revenue,
                    text: money(row.revenue, currency),
                  }))}
                />
                <SalesTable caption={`Sales per channel, ${currency}`} keyName="Channel" rows={channels} />
              </>
            );
          })()}
        </section>
      ))}
      <h2>Fulfillment</h2>
      <Fulfillment report={fulfillment} />
    </>
  );
}

function SalesTable({
  caption,
  keyName,
  rows,
}: {
  caption: string;
  keyName: string;
  rows: (SalesFigures & { key: string })[];
}) {
  return (
    <div class="scroll" tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{keyName}</th>
            <th scope="col">Orders</th>
            <th scope="col">Units</th>
            <th scope="col">Revenue</th>
            <th scope="col">Refunds</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.key}</th>
              <td>{row.orders}</td>
              <td>{row.units}</td>
              <td>{money(row.revenue, row.currency)}</td>
              <td>{money(row.refunds, row.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const RATES: [keyof FulfillmentReport['kpis'], string][] = [
  ['fillRate', 'Fill rate'],
  ['splitRate', 'Split rate'],
  ['shipFromStoreShare', 'Ship-from-store share'],
  ['clickAndCollectShare', 'Click-and-collect share'],
  ['backorderRate', 'Backorder rate'],
  ['onTimeRate', 'On-time rate'],
  ['shippedOnTimeRate', 'Shipped on time'],
  ['rejectionRate', 'Rejection rate'],
  ['cancellationRate', 'Cancellation rate'],
  ['returnRate', 'Return rate'],
];

function Fulfillment({ report }: { report: FulfillmentReport }) {
  const { kpis } = report;
  const rates: Datum[] = RATES.map(([key, label]) => {
    const value = kpis[key] as number | null;
    return { label, value: value ?? 0, text: value === null ? 'no data' : percent(value) };
  });
  const times: Datum[] = (
    [
      ['Time to route, p50', kpis.timeToRoute.p50Seconds],
      ['Time to route, p95', kpis.timeToRoute.p95Seconds],
      ['Time to ship, p50', kpis.timeToShip.p50Seconds],
      ['Time to ship, p95', kpis.timeToShip.p95Seconds],
    ] as const
  ).map(([label, seconds]) => ({
    label,
    value: seconds ?? 0,
    text: seconds === null ? 'no data' : duration(seconds),
  }));
  return (
    <section class="card" aria-label="Fulfillment KPIs">
      <HorizontalBars id="fulfillment-rates" title="Fulfillment rates" data={rates} max={1} />
      <HorizontalBars id="fulfillment-times" title="Time to route and to ship" data={times} />
      <div class="scroll" tabIndex={0}>
        <table>
          <caption>Fulfillment KPIs</caption>
          <thead>
            <tr>
              <th scope="col">KPI</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {[...rates, ...times].map((datum) => (
              <tr key={datum.label}>
                <th scope="row">{datum.label}</th>
                <td>{datum.text}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Shipments per order</th>
              <td>{kpis.shipmentsPerOrder ?? 'no data'}</td>
            </tr>
            <tr>
              <th scope="row">Average distance</th>
              <td>{kpis.averageDistanceKm === null ? 'no data' : `${kpis.averageDistanceKm} km`}</td>
            </tr>
            <tr>
              <th scope="row">Orders placed</th>
              <td>{report.counts.ordersPlaced ?? 0}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}

function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let time = Date.parse(`${from}T00:00:00Z`); time <= end && days.length < 93; time += DAY_MS) {
    days.push(isoDay(time));
  }
  return days;
}

/** Amounts are minor units of the currency (cents for EUR). */
function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
