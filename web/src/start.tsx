import { render } from 'preact';
import { App } from './app';
import type { ConsoleConfig } from './config';
import { completeSignIn } from './pkce';
import { restoreSession, saveSession, sessionFromToken } from './session';

/**
 * Finish a hosted-UI sign-in when the URL carries its code, restore the tab's session, and draw.
 * The code is taken off the URL so a reload does not trade it twice.
 */
export async function startConsole(config: ConsoleConfig, root: HTMLElement): Promise<void> {
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
}
