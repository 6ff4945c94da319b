/**
 * What the console is told where it runs, from `config.json` beside the page: the API's base URL
 * (empty: the same origin, as on the local runtime) and how people sign in. The local runtime
 * serves it (lib/local/console-server.ts); in AWS the stack writes it (lib/console-site.ts).
 */
export type ConsoleConfig =
  | { apiUrl: string; auth: { type: 'local' } }
  | { apiUrl: string; auth: { type: 'cognito'; domain: string; clientId: string } };

export async function loadConfig(): Promise<ConsoleConfig> {
  // Preloaded by index.html, so it travels with the script instead of after it.
  const response = await fetch(new URL('config.json', document.baseURI));
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}
