import { render } from 'preact';
import { App } from './app';
import { loadConfig } from './config';
import { completeSignIn } from './pkce';
import { restoreSession, saveSession, sessionFromToken } from './session';

/**
 * Start: read config.json, finish a hosted-UI sign-in when the URL carries its code, restore the
 * tab's session, and draw. The code is taken off the URL so a reload does not trade it twice.
 */
async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  try {
    const config = await loadConfig();
    if (config.auth.type === 'cognito') {
      const here = new URL(location.href);
      const redirectUri = new URL('.', document.baseURI).href;
      const token = await completeSignIn({ ...config.auth, redirectUri }, here);
      if (token) {
        saveSession(sessionFromToken(token));
        history.replaceState(null, '', redirectUri);
      }
    }
    render(<App config={config} initial={restoreSession()} />, root);
  } catch (error) {
    root.textContent = `The console could not start: ${(error as Error).message}`;
  }
}

void start();
