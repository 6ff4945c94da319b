import { useState } from 'preact/hooks';
import type { ConsoleConfig } from '../config';
import { beginSignIn } from '../pkce';
import { sessionFromToken, type Session } from '../session';
import { Loading, Problem, useLoad } from '../ui';

interface DemoUser {
  sub: string;
  role: string;
  description: string;
  locationIds?: string[];
}

const ROLE_NAMES: Record<string, string> = {
  admin: 'Admin',
  ops: 'Operations',
  customer_service: 'Customer service',
  store: 'Store associate',
};

/**
 * Locally: pick one of the demo people of the local token issuer (lib/local/demo-users.ts); the
 * token comes from `POST /_local/token`, as a test's does. Machine clients are not offered: they
 * do not sign in to a console. In AWS: a button to Cognito's hosted UI.
 */
export function SignIn({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: (s: Session) => void }) {
  return (
    <main class="sign-in" id="main">
      <h1>OMS console</h1>
      {config.auth.type === 'local' ? (
        <LocalSignIn apiUrl={config.apiUrl} onSignedIn={onSignedIn} />
      ) : (
        <CognitoSignIn domain={config.auth.domain} clientId={config.auth.clientId} />
      )}
    </main>
  );
}

function LocalSignIn({ apiUrl, onSignedIn }: { apiUrl: string; onSignedIn: (s: Session) => void }) {
  const users = useLoad(async () => {
    const response = await fetch(`${apiUrl}/_local/users`);
    if (!response.ok) throw new Error(`The local runtime answered ${response.status}.`);
    return ((await response.json()) as DemoUser[]).filter((user) => user.role !== 'integration');
  }, []);
  const [error, setError] = useState<string>();
  const signIn = async (user: DemoUser) => {
    setError(undefined);
    const response = await fetch(`${apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: user.role, sub: user.sub }),
    });
    if (!response.ok) return setError(`The token issuer answered ${response.status}.`);
    onSignedIn(sessionFromToken(((await response.json()) as { access_token: string }).access_token));
  };
  return (
    <>
      <p>Local runtime: sign in as one of the demo people.</p>
      {users.loading && <Loading what="demo users" />}
      <Problem message={users.error ?? error} />
      <ul class="choices">
        {users.data?.map((user) => (
          <li key={user.sub}>
            <button type="button" class="choice" onClick={() => void signIn(user)}>
              <strong>{user.sub}</strong>
              <span>
                {ROLE_NAMES[user.role] ?? user.role} · {user.description}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function CognitoSignIn({ domain, clientId }: { domain: string; clientId: string }) {
  const [error, setError] = useState<string>();
  const redirectUri = new URL('.', document.baseURI).href;
  return (
    <>
      <Problem message={error} />
      <button
        type="button"
        class="primary"
        onClick={() =>
          beginSignIn({ domain, clientId, redirectUri }).catch((e: Error) => setError(e.message))
        }
      >
        Sign in
      </button>
    </>
  );
}
