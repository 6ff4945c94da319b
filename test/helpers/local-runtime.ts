import { inject, vi } from 'vitest';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import type { EventEnvelope } from '../../lib/local/event-bus.js';
import { DEMO_CHANNEL_ID, DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { isolationFromEnvironment } from '../../lib/local/lambda.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../lib/local/runtime.js';
import { QUEUES } from '../../lib/topology.js';
import { AN_ADMIN_USER, tokenFor } from './tokens.js';

/**
 * The local runtime as every end-to-end test starts it: on a free loopback port, on the run's
 * shared DynamoDB Local with tables of its own, polling fast. `api` is the one way tests call the
 * HTTP API, so that what every request needs (headers, credentials) is added in one place: the
 * demo admin's bearer token unless the request brings its own `authorization`. The functions run
 * inline (in the test's thread) unless OMS_LOCAL_ISOLATION says otherwise: their coverage counts
 * then, and a test that writes configuration through functions/data clears the very caches the
 * handlers read, as a deployed stage's caches expire.
 */
export interface TestRuntime {
  runtime: LocalRuntime;
  url: string;
  api(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON body POSTed to the API. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** A body POSTed to a canonical channel's order endpoint, signed as the channel signs. */
  postSignedOrder(body: string, options?: { channelId?: string; secret?: string }): Promise<Response>;
  /** GET of a JSON resource that must answer 200. */
  getJson<T = Record<string, unknown>>(path: string): Promise<T>;
  /** Waits until GET /v1/orders/{orderId} shows the status, and answers the view. */
  orderWithStatus<T extends { status: string }>(orderId: string, status: string): Promise<T>;
  /** Every event published on the bus since the start, in order. */
  published: EventEnvelope[];
  /** Every message sent to the routing queue since the start (its consumer may take one before a test looks). */
  routingQueueMessages: EventEnvelope[];
  stop(): Promise<void>;
}

export async function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<TestRuntime> {
  const published: EventEnvelope[] = [];
  const routingQueueMessages: EventEnvelope[] = [];
  const observer = options.observer ?? {};
  const runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-`,
    pollIntervalMs: 50,
    streamRetryDelayMs: 50,
    isolation: isolationFromEnvironment() ?? 'inline',
    ...options,
    observer: {
      ...observer,
      onEventPublished: (event) => {
        published.push(event.event);
        observer.onEventPublished?.(event);
      },
      onQueueActivity: (activity) => {
        if (activity.queue === QUEUES.routing.id && activity.action === 'sent') {
          routingQueueMessages.push(JSON.parse(activity.body) as EventEnvelope);
        }
        observer.onQueueActivity?.(activity);
      },
    },
  });
  const api = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    if (!headers.has('authorization'))
      headers.set('authorization', `Bearer ${await tokenFor(runtime.url, AN_ADMIN_USER)}`);
    return fetch(`${runtime.url}${path}`, { ...init, headers });
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    api(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  const getJson = async <T>(path: string): Promise<T> => {
    const response = await api(path);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    runtime,
    url: runtime.url,
    api,
    post,
    postSignedOrder: (body, { channelId = DEMO_CHANNEL_ID, secret = DEMO_SIGNING_SECRET } = {}) =>
      post(`/v1/channels/${channelId}/orders`, body, {
        [OMS_SIGNATURE_HEADER]: signOmsPayload(secret, body, Math.floor(Date.now() / 1000)),
      }),
    getJson,
    orderWithStatus: <T extends { status: string }>(orderId: string, status: string) =>
      vi.waitFor(
        async () => {
          const view = await getJson<T>(`/v1/orders/${orderId}`);
          if (view.status !== status) throw new Error(`still ${view.status}, waiting for ${status}`);
          return view;
        },
        { timeout: 20_000, interval: 100 },
      ),
    published,
    routingQueueMessages,
    stop: () => runtime.stop(),
  };
}
