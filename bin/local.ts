import { CONSOLE_BASE_PATH, ensureConsoleBuilt } from '../lib/local/console-server.js';
import { DEMO_USERS } from '../lib/local/demo-users.js';
import { DEFAULT_PORT, DEMO_CHANNEL_ID, DEMO_SIGNING_SECRET } from '../lib/local/local-config.js';
import { startLocalRuntime, type RuntimeObserver } from '../lib/local/runtime.js';

/**
 * `npm start`: the whole OMS on this machine with demo data. Logs one line per request, event
 * and queue movement; the functions' own logs are quiet unless POWERTOOLS_LOG_LEVEL says otherwise.
 */
const startedAt = Date.now();
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

const time = () => new Date().toISOString().slice(11, 23);

/** What an event is about, in a few words: the order, the fulfillment order or the stock item. */
function subjectOf(detail: Record<string, unknown>): string {
  const parts = [detail.orderId, detail.fulfillmentOrderId, detail.sku, detail.locationId, detail.channelId];
  return parts.filter((part) => typeof part === 'string' && part !== '').join(' ');
}
const observer: RuntimeObserver = {
  onRequest: ({ method, path, statusCode, durationMs }) =>
    console.log(`${time()} http   ${method} ${path} → ${statusCode} (${durationMs} ms)`),
  onEventPublished: ({ event, matchedRules }) =>
    console.log(
      `${time()} event  ${event['detail-type']} ${subjectOf(event.detail)} → ${matchedRules.join(', ') || 'no rule'}`,
    ),
  onQueueActivity: ({ queue, action, messageId, receiveCount }) =>
    console.log(
      `${time()} queue  ${queue} ${action} ${messageId.slice(0, 8)}${receiveCount ? ` after ${receiveCount} receive(s)` : ''}`,
    ),
  onError: (source, error) =>
    console.error(`${time()} error  ${source}: ${error instanceof Error ? error.stack : String(error)}`),
};

let runtime: Awaited<ReturnType<typeof startLocalRuntime>>;
try {
  // Built once (a few seconds); `npm run build:console` rebuilds after a change in web/.
  if ((await ensureConsoleBuilt()) === 'built') console.log(`${time()} console built into web/dist`);
  runtime = await startLocalRuntime({ port: Number(process.env.PORT ?? DEFAULT_PORT), observer });
} catch (error) {
  console.error('The local runtime did not start:', error);
  process.exit(1);
}

console.log(`
OMS local runtime ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s at ${runtime.url}
  console          ${runtime.url}${CONSOLE_BASE_PATH} (sign in as a demo user)
  DynamoDB Local   ${runtime.dynamodbEndpoint}
  demo channel     ${DEMO_CHANNEL_ID} (canonical), signing secret "${DEMO_SIGNING_SECRET}" (local demo value only)
  inspect          ${runtime.url}/_local/events  ${runtime.url}/_local/queues  ${runtime.url}/openapi.json
  token issuer     ${runtime.tokens.issuer} (keys made at start); demo users: ${DEMO_USERS.map((user) => `${user.sub} (${user.role})`).join(', ')}
  quick start      npm run post-order -- docs/examples/order.json
                   TOKEN=$(npm run -s token -- --role ops)
                   curl -H "Authorization: Bearer $TOKEN" ${runtime.url}/v1/inventory/TSHIRT-BLUE-M
Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = async (reason: string, exitCode: number) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping DynamoDB Local, pollers and servers…`);
  await runtime.stop();
  process.exit(exitCode);
};
process.once('SIGINT', () => void shutdown('SIGINT', 0));
process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
// A crash must not leave the Java process of DynamoDB Local behind.
process.once('uncaughtException', (error) => {
  console.error(error);
  void shutdown('uncaught exception', 1);
});
