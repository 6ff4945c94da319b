import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { buildConsole, CONSOLE_DIST } from '../../lib/local/console-server.js';
import { DEMO_CHANNEL_ID, DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime } from '../../lib/local/runtime.js';
import { PHONE, launchChromium } from '../browser/console.js';

/**
 * `npm run bench:console`: how soon a store associate can work the queue on a throttled phone.
 * Builds the console, starts the local runtime with its demo data, posts a click-and-collect for
 * Chiado, then loads Maria's queue in Debian's Chromium with the CPU slowed 4× and the network of
 * Chrome DevTools' presets (RTT and bandwidth applied by the browser, so they hold for every
 * request), ROUNDS times each with an empty cache. Prints the first contentful paint and the time
 * until the queue is drawn and can be tapped (the list, or its "nothing to do"), medians, and the
 * requests of the median round with when each started and ended (the critical path).
 * Numbers from a shared machine vary with its load; nothing asserts them.
 */
const ROUNDS = Number(process.env.CONSOLE_BENCH_ROUNDS ?? 5);
const CPU_SLOWDOWN = 4;
const PROFILES = [
  // Chrome DevTools' "Slow 3G" and "Fast 3G": latency is the round trip, throughput bytes/s.
  {
    name: 'Slow 3G',
    latency: 2000,
    downloadThroughput: (500 * 1000 * 0.8) / 8,
    uploadThroughput: (500 * 1000 * 0.8) / 8,
  },
  {
    name: 'Fast 3G',
    latency: 562.5,
    downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8,
    uploadThroughput: (750 * 1000 * 0.9) / 8,
  },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Records, in the page's own clock, when the queue is first drawn: a list or its empty message. */
const QUEUE_OBSERVER = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('ul.queue li, section[aria-labelledby="queue-heading"] p:not([role])')) {
      window.__queueDrawnAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

async function measure(browser: Browser, url: string, token: string, profile: (typeof PROFILES)[number]) {
  const context = await browser.newContext(PHONE);
  await context.addInitScript(
    `sessionStorage.setItem('oms.session', ${JSON.stringify(token)}); ${QUEUE_OBSERVER}`,
  );
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const { latency, downloadThroughput, uploadThroughput } = profile;
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency,
    downloadThroughput,
    uploadThroughput,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await page.goto(`${url}/console/#/queue`);
  await page.waitForFunction(
    () => (globalThis as unknown as { __queueDrawnAt?: number }).__queueDrawnAt,
    undefined,
    {
      timeout: 120_000,
    },
  );
  const figures = await page.evaluate(() => {
    // The page's own timing entries (DOM types: this runs in the browser, typed here by hand).
    const timing = (
      globalThis as unknown as {
        performance: {
          getEntriesByType(type: string): {
            name: string;
            startTime: number;
            responseEnd: number;
            encodedBodySize: number;
          }[];
        };
      }
    ).performance;
    return {
      queue: (globalThis as unknown as { __queueDrawnAt: number }).__queueDrawnAt,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      // The requests up to the queue, each from its start to its last byte: where the time goes.
      requests: [...timing.getEntriesByType('navigation'), ...timing.getEntriesByType('resource')].map(
        (entry) => {
          const { pathname, search } = new URL(entry.name);
          return {
            what: `${pathname.replace(/^\/console\/assets\//, '')}${search}`.slice(0, 60),
            start: entry.startTime,
            end: entry.responseEnd,
            bytes: entry.encodedBodySize,
          };
        },
      ),
    };
  });
  await context.close();
  return figures;
}

async function bundleSizes() {
  const assets = join(CONSOLE_DIST, 'assets');
  const files = await readdir(assets);
  return Promise.all(
    files.map(async (file) => ({
      file,
      bytes: (await stat(join(assets, file))).size,
      gzip: gzipSync(await readFile(join(assets, file)), { level: 9 }).length,
    })),
  );
}

await buildConsole();
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const [runtime, browser] = await Promise.all([startLocalRuntime({ port: 0 }), launchChromium()]);
try {
  const body = await readFile('docs/examples/click-and-collect.json', 'utf8');
  const posted = await fetch(`${runtime.url}/v1/channels/${DEMO_CHANNEL_ID}/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  if (!posted.ok) throw new Error(`The demo order was refused: ${posted.status} ${await posted.text()}`);
  const token = (await runtime.tokens.tokenFor({ role: 'store', sub: 'maria' })).access_token;
  console.log(`Console bundle (${CONSOLE_DIST}):`);
  for (const { file, bytes, gzip } of await bundleSizes())
    console.log(
      `  ${file.padEnd(28)} ${(bytes / 1024).toFixed(1).padStart(6)} KB, ${(gzip / 1024).toFixed(1)} KB gzip`,
    );
  console.log(
    `\nMaria's queue, phone viewport, CPU ${CPU_SLOWDOWN}× slower, empty cache, median of ${ROUNDS}:`,
  );
  for (const profile of PROFILES) {
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++)
      rounds.push(await measure(browser, runtime.url, token, profile));
    const fcp = median(rounds.map((r) => r.fcp));
    const queue = median(rounds.map((r) => r.queue));
    console.log(
      `  ${profile.name.padEnd(8)} first contentful paint ${(fcp / 1000).toFixed(2)} s, queue interactive ${(queue / 1000).toFixed(2)} s` +
        ` (rounds: ${rounds.map((r) => (r.queue / 1000).toFixed(2)).join(', ')} s)`,
    );
    const typical = rounds.find((r) => r.queue === queue)!;
    for (const request of typical.requests.filter((r) => r.start <= typical.queue))
      console.log(
        `    ${request.what.padEnd(60)} ${(request.start / 1000).toFixed(2)}–${(request.end / 1000).toFixed(2)} s, ${(request.bytes / 1024).toFixed(1)} KB`,
      );
  }
} finally {
  await browser.close();
  await runtime.stop();
}
