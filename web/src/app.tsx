import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api';
import type { ConsoleConfig } from './config';
import { areasOf, clearSession, saveSession, type Area, type Session } from './session';
import { Queue } from './screens/queue';
import { SignIn } from './screens/sign-in';
// Loaded on first use: a store's phone downloads the queue, not the other roles' screens.
import {
  FulfillmentOrderScreen,
  OrderPage,
  OrderSearch,
  Overdue,
  Replenishment,
  RuleSetSimulation,
  Stock,
} from './screens/lazy';
import { lazyScreen } from './lazy';

// Operations: dead letters and KPIs, loaded on first use like the other roles' screens.
const DeadLetters = lazyScreen(() => import('./screens/dead-letters').then((module) => module.DeadLetters));
const Kpis = lazyScreen(() => import('./screens/kpis').then((module) => module.Kpis));

const AREA_NAMES: Record<Area, string> = {
  queue: 'Work queue',
  orders: 'Orders',
  stock: 'Stock',
  replenishment: 'Replenishment',
  overdue: 'Overdue',
  simulation: 'Rule sets',
  // Operations: dead letters and KPIs.
  'dead-letters': 'Dead letters',
  kpis: 'KPIs',
};

/** Hash routes (`#/orders/01J…`): the site is static files, so every screen is the one page. */
function useHash(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const changed = () => setParts(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return parts;
}

export function App({ config, initial }: { config: ConsoleConfig; initial?: Session }) {
  const [session, setSession] = useState(initial);
  const signOut = () => {
    clearSession();
    setSession(undefined);
  };
  if (!session)
    return (
      <SignIn
        config={config}
        onSignedIn={(signedIn) => {
          saveSession(signedIn);
          setSession(signedIn);
        }}
      />
    );
  return <Shell config={config} session={session} onSignOut={signOut} />;
}

function Shell({
  config,
  session,
  onSignOut,
}: {
  config: ConsoleConfig;
  session: Session;
  onSignOut: () => void;
}) {
  const api = useMemo(() => createApi(config.apiUrl, session, onSignOut), [config.apiUrl, session.token]);
  const areas = areasOf(session);
  const [first, second] = useHash();
  const area = (areas as string[]).includes(first ?? '') ? (first as Area) : undefined;
  let screen;
  if (first === 'fulfillment-orders' && second)
    screen = <FulfillmentOrderScreen api={api} session={session} id={second} />;
  else if (area === 'orders' && second) screen = <OrderPage api={api} session={session} orderId={second} />;
  else if (area === 'orders') screen = <OrderSearch api={api} />;
  else if (area === 'stock') screen = <Stock api={api} sku={second} key={second} />;
  else if (area === 'replenishment') screen = <Replenishment api={api} />;
  else if (area === 'overdue') screen = <Overdue api={api} />;
  else if (area === 'simulation') screen = <RuleSetSimulation api={api} />;
  else if (area === 'dead-letters') screen = <DeadLetters api={api} />;
  else if (area === 'kpis') screen = <Kpis api={api} />;
  else if (areas[0] === 'queue' || area === 'queue') screen = <Queue api={api} session={session} />;
  else if (areas[0] === 'orders') screen = <OrderSearch api={api} />;
  else screen = <p>There is nothing in the console for this account.</p>;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <nav aria-label="Main">
          <ul>
            {areas.map((name) => (
              <li key={name}>
                <a href={`#/${name}`} aria-current={(area ?? areas[0]) === name ? 'page' : undefined}>
                  {AREA_NAMES[name]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          {session.name}
          {session.locationIds.length > 0 && ` · ${session.locationIds.join(', ')}`}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {screen}
      </main>
    </>
  );
}
