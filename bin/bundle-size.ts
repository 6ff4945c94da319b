import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { version as esbuildVersion } from 'esbuild';
import { format, resolveConfig } from 'prettier';
import { BUNDLE_LIMIT_BYTES, bundle, bundleFunction, type BundleReport } from '../lib/bundles.js';
import { REPO_ROOT } from '../lib/functions.js';
import { TABLES } from '../lib/tables.js';
import { EVENT_BUS_ENV, FUNCTIONS, type FunctionSpec } from '../lib/topology.js';

/**
 * `npm run bundle-size`: bundles every function the way the stack does, imports each bundle in a
 * fresh Node process as a cold start would, and compares size and import time with a minimal
 * handler that imports only the DynamoDB client (test/bench/minimal-handler.ts). Records the
 * table in docs/performance.md. Import times are medians over interleaved rounds, so load from
 * other processes on the machine falls on every function alike.
 */
const PERFORMANCE_DOC = path.join(REPO_ROOT, 'docs', 'performance.md');
const HEADING = '## Function bundles';
const ROUNDS = Number(process.env.BUNDLE_SIZE_ROUNDS ?? 9);
const IMPORT_TIME_GOAL = 1.5;
const MINIMAL = { id: 'minimal', entry: 'test/bench/minimal-handler.ts' };
/** Not a function: what a sampled invocation loads on top (functions/shared/tracing.ts). */
const SAMPLED_TRACER = { id: 'tracer-if-sampled', entry: 'test/bench/tracer-load.ts' };

const run = promisify(execFile);

/**
 * From the start of `import()` to its end, in a fresh process set up like Lambda's: the wall time,
 * and the CPU time the importing (main) thread ran meanwhile, from its schedstat (Linux). On a
 * loaded machine the wall time is mostly waiting for a core, which falls on each process by
 * chance; the thread's CPU time is what a cold start costs where a core is free, as in a Lambda
 * sandbox, so it is the steadier figure of the two.
 */
async function importTimes(file: string): Promise<{ wallMs: number; cpuMs: number }> {
  const script = [
    "import { readFileSync } from 'node:fs';",
    'const cpu = () => { try { return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6; } catch { return NaN; } };',
    `const c = cpu(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)});`,
    'console.log(performance.now() - t, cpu() - c);',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      // What the stack sets on every function that uses them; a handler may read them at import.
      ...Object.fromEntries(TABLES.map((table) => [table.envVar, `oms-${table.id}`])),
      [EVENT_BUS_ENV]: 'oms-events',
      NODE_OPTIONS: '--enable-source-maps',
      // The SDK warns about Node 20 on every load; Lambda runs Node 22.
      NODE_NO_WARNINGS: '1',
    },
  });
  const [wallMs, cpuMs] = stdout.trim().split(' ').map(Number);
  return { wallMs: wallMs!, cpuMs: cpuMs! };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const reports: BundleReport[] = [
  await bundle(MINIMAL.id, MINIMAL.entry, true),
  await bundle(SAMPLED_TRACER.id, SAMPLED_TRACER.entry, true),
];
for (const spec of Object.values(FUNCTIONS) as FunctionSpec[]) reports.push(await bundleFunction(spec, true));
const samples = new Map(reports.map((report) => [report.id, { wall: [] as number[], cpu: [] as number[] }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const report of reports) {
    const { wallMs, cpuMs } = await importTimes(report.file);
    samples.get(report.id)!.wall.push(wallMs);
    samples.get(report.id)!.cpu.push(cpuMs);
  }
}
const importMs = new Map([...samples].map(([id, times]) => [id, median(times.wall)]));
const importCpuMs = new Map([...samples].map(([id, times]) => [id, median(times.cpu)]));
const baselineMs = importMs.get(MINIMAL.id)!;
const baselineCpuMs = importCpuMs.get(MINIMAL.id)!;
const load = os.loadavg()[0]!.toFixed(2);

const rows = reports.map((report) => {
  const ms = importMs.get(report.id)!;
  const cpuMs = importCpuMs.get(report.id)!;
  return {
    function: report.id,
    minified: kilobytes(report.codeBytes),
    gzipped: kilobytes(report.gzippedCodeBytes),
    sourceMap: kilobytes(report.sourceMapBytes),
    zod: kilobytes(report.zodBytes),
    sdkClients: report.sdkClients.join(', ') || '—',
    importMs: ms.toFixed(0),
    overMinimal: `${(ms / baselineMs).toFixed(2)}×`,
    importCpuMs: cpuMs.toFixed(0),
    cpuOverMinimal: `${(cpuMs / baselineCpuMs).toFixed(2)}×`,
  };
});
console.table(rows);
const functionReports = reports.filter((report) => report.id !== SAMPLED_TRACER.id);
const oversized = functionReports
  .filter((report) => report.codeBytes > BUNDLE_LIMIT_BYTES)
  .map((report) => report.id);
const over = (times: Map<string, number>, baseline: number) => {
  const slow = functionReports.filter((report) => times.get(report.id)! > IMPORT_TIME_GOAL * baseline);
  return slow.length ? `over: ${slow.map((report) => report.id).join(', ')}` : 'every function within';
};
console.log(
  `limit ${kilobytes(BUNDLE_LIMIT_BYTES)}: ${oversized.length ? `over: ${oversized.join(', ')}` : 'every bundle within'}; ` +
    `import time goal ${IMPORT_TIME_GOAL}× the minimal handler: wall time ${over(importMs, baselineMs)}; ` +
    `CPU time ${over(importCpuMs, baselineCpuMs)}; load average ${load} (${os.cpus().length} cores)`,
);

function section(): string {
  return [
    HEADING,
    '',
    `Written by \`npm run bundle-size\` on ${new Date().toISOString().slice(0, 10)}, load average ${load} on`,
    `${os.cpus().length} cores (esbuild ${esbuildVersion}, the settings of \`ESBUILD_SETTINGS\` in \`lib/functions.ts\`: ESM,`,
    'minified, target node22, source map without sources; the AWS SDK from the Lambda runtime and',
    'Powertools from its layer, both left out of the bundle). Import time is the median of',
    `${ROUNDS} fresh \`node\` processes each importing the bundle with \`--enable-source-maps\`, as Lambda`,
    'does, including the SDK and Powertools it loads from node_modules, as it would from the runtime and the layer,',
    'and with no X-Ray trace header, as an invocation X-Ray does not sample: the tracer is loaded only by',
    'sampled ones (`functions/shared/tracing.ts`), and its row says what that adds;',
    `the goal is ≤ ${kilobytes(BUNDLE_LIMIT_BYTES)} per bundle (held by \`test/infra/bundles.test.ts\`) and`,
    `≤ ${IMPORT_TIME_GOAL}× the minimal handler's import time (a figure of this machine's load, so only`,
    'this script checks it). "Import" is the wall time; "CPU" the time the importing thread ran on a core',
    'meanwhile (its schedstat), which is what a cold start costs where a core is free: on a loaded machine',
    'the wall time is mostly waiting for one.',
    '',
    '| Function | Minified | Gzipped | Source map | of it zod | SDK clients | Import | Over minimal | CPU | CPU over minimal |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.function} | ${row.minified} | ${row.gzipped} | ${row.sourceMap} | ${row.zod} | ${row.sdkClients} | ${row.importMs} ms | ${row.overMinimal} | ${row.importCpuMs} ms | ${row.cpuOverMinimal} |`,
    ),
    '',
  ].join('\n');
}

/** Replaces this script's section and keeps everything else in the document as it was. */
function withSection(document: string, replacement: string): string {
  const start = document.indexOf(HEADING);
  if (start === -1) return `${document.trimEnd()}\n\n${replacement}`;
  const next = document.indexOf('\n## ', start + HEADING.length);
  const rest = next === -1 ? '' : `\n${document.slice(next + 1)}`;
  return `${document.slice(0, start)}${replacement}${rest}`;
}

const document = existsSync(PERFORMANCE_DOC) ? await readFile(PERFORMANCE_DOC, 'utf8') : '# Performance\n';
// Formatted like the rest of the repository, so `prettier --check` passes after every run.
const prettierOptions = { ...(await resolveConfig(PERFORMANCE_DOC)), filepath: PERFORMANCE_DOC };
await writeFile(PERFORMANCE_DOC, await format(withSection(document, section()), prettierOptions));
console.log(`Updated ${path.relative(REPO_ROOT, PERFORMANCE_DOC)}.`);
