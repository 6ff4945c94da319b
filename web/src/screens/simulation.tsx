import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { Loading, Problem, useAction, useLoad } from '../ui';

interface PlanSummary {
  outcome: string;
  shipments: number;
  transfers: number;
  distanceKm: number;
  cost: number;
  unplacedUnits: number;
}

interface Totals {
  orders: number;
  shipments: number;
  shipmentsPerOrder: number;
  distanceKm: number;
  cost: number;
  fullyPlacedOrders: number;
  unplacedUnits: number;
}

interface Simulation {
  summary: Record<string, Totals>;
  results: ({ orderId: string; externalId: string } & Record<
    string,
    { ruleSet: string; summary: PlanSummary }
  >)[];
}

const LABELS = ['active', 'draft'] as const;

/**
 * Routing on paper (`POST /v1/routing/simulate`): a draft rule set against the active one, on
 * stored orders, with today's stock; nothing is reserved or written. The draft starts as the
 * active rule set, to be edited as JSON (docs/routing.md describes the rules).
 */
export function RuleSetSimulation({ api }: { api: Api }) {
  const active = useLoad(() => api.get<{ ruleSet: unknown }>('/v1/routing/rule-sets/active'), []);
  const [draft, setDraft] = useState<string>();
  const [orderIds, setOrderIds] = useState('');
  const [result, setResult] = useState<Simulation>();
  const action = useAction();
  if (active.loading && !active.data) return <Loading what="the active rule set" />;
  const text = draft ?? JSON.stringify(active.data?.ruleSet, null, 2);
  const simulate = () =>
    action.run(async () => {
      let ruleSet: unknown;
      try {
        ruleSet = JSON.parse(text);
      } catch (error) {
        throw new Error(`The draft is not JSON: ${(error as Error).message}`);
      }
      const ids = orderIds.split(/[\s,]+/).filter(Boolean);
      setResult(await api.post<Simulation>('/v1/routing/simulate', { orderIds: ids, ruleSet }));
    });
  return (
    <>
      <h1>Rule set simulation</h1>
      <Problem message={active.error} />
      <form
        class="card"
        aria-label="Simulation"
        onSubmit={(event) => {
          event.preventDefault();
          void simulate();
        }}
      >
        <label class="field">
          Order ids (separated by spaces or commas)
          <input
            name="orderIds"
            required
            value={orderIds}
            onInput={(event) => setOrderIds(event.currentTarget.value)}
          />
        </label>
        <label class="field">
          Draft rule set (JSON)
          <textarea
            name="draft"
            rows={12}
            spellcheck={false}
            value={text}
            onInput={(event) => setDraft(event.currentTarget.value)}
          />
        </label>
        <Problem message={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          Compare draft with active
        </button>
      </form>
      {result && <Comparison result={result} />}
    </>
  );
}

function Comparison({ result }: { result: Simulation }) {
  const labels = LABELS.filter((label) => result.summary[label]);
  const cells = (label: string, summary?: PlanSummary | Totals) =>
    summary ? (
      <Fragment key={label}>
        <td>{summary.shipments}</td>
        <td>{summary.distanceKm}</td>
        <td>{summary.cost}</td>
        <td>{summary.unplacedUnits}</td>
      </Fragment>
    ) : null;
  return (
    <div class="scroll" tabIndex={0}>
      <table>
        <caption>Draft against active: shipments, distance (km), cost (minor units), unplaced units</caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              Order
            </th>
            {labels.map((label) => (
              <th scope="colgroup" colSpan={4} key={label}>
                {label}
              </th>
            ))}
          </tr>
          <tr>
            {labels.map((label) => (
              <Fragment key={label}>
                <th scope="col">Shipments</th>
                <th scope="col">Distance</th>
                <th scope="col">Cost</th>
                <th scope="col">Unplaced</th>
              </Fragment>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.results.map((row) => (
            <tr key={row.orderId}>
              <th scope="row">{row.externalId}</th>
              {labels.map((label) => cells(label, row[label]?.summary))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All {result.summary.active?.orders} orders</th>
            {labels.map((label) => cells(label, result.summary[label]))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
