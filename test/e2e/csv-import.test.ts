import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../bin/cli/import.js';
import { omsProgram } from '../../bin/oms-cli.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

/**
 * `npm run oms -- import …` against the local runtime, as a retailer would run it with the
 * spreadsheets they keep: a dry run reports every bad row by line and column and changes
 * nothing; the real run imports the rest through the API.
 */
let oms: TestRuntime;
let folder = '';

beforeAll(async () => {
  oms = await startTestRuntime({ scheduleIntervalMs: 0 });
  folder = await mkdtemp(join(tmpdir(), 'oms-import-'));
});
afterAll(() => oms?.stop());

async function run(...args: string[]): Promise<ImportReport> {
  let report: ImportReport | undefined;
  await omsProgram((result) => (report = result as ImportReport)).parseAsync(['--url', oms.url, ...args], {
    from: 'user',
  });
  process.exitCode = undefined;
  return report!;
}

async function csvFile(name: string, lines: string[]): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

const sku = (index: number) => `IMP-${String(index).padStart(4, '0')}`;

describe('importing products from CSV', () => {
  let file = '';
  beforeAll(async () => {
    const rows = Array.from({ length: 1000 }, (_, index) => {
      // Line numbers count the header as line 1: row index i is on line i + 2.
      const line = index + 2;
      if (line === 101) return `${sku(index)},"Mug, large",lots,,VENDOR-1,false,1,`;
      if (line === 502) return `${sku(index)},Scarf,2,,VENDOR-1,true,500,`;
      if (line === 903) return `${sku(index)},Lamp,2,,VENDOR-1,maybe,1,web:2|amazon:5`;
      return `${sku(index)},Product ${index},${index % 7},,VENDOR-1,${index % 50 === 0},${index % 50 === 0 ? 4 : 1},web:1`;
    });
    file = await csvFile('products.csv', [
      'sku,name,reorderPoint,reorderQuantity,vendorId,hot,shards,channelBuffers',
      ...rows,
    ]);
  });

  it('reports exactly the three bad rows in a dry run, by line and column, and writes nothing', async () => {
    const report = await run('import', 'products', file, '--dry-run');

    expect(report).toMatchObject({ kind: 'products', dryRun: true, rows: 997, imported: 0 });
    expect(report.problems.map(({ line, column }) => ({ line, column }))).toEqual([
      { line: 101, column: 'reorderPoint' },
      { line: 502, column: 'shards' },
      { line: 903, column: 'hot' },
    ]);
    expect((await oms.api(`/v1/products/${sku(0)}`)).status).toBe(404);
  });

  it('imports the 997 good rows and reports the same three', async () => {
    const report = await run('import', 'products', file);

    expect(report).toMatchObject({ dryRun: false, rows: 997, imported: 997 });
    expect(report.problems.map((problem) => problem.line)).toEqual([101, 502, 903]);
    expect(await oms.getJson(`/v1/products/${sku(50)}`)).toMatchObject({
      sku: sku(50),
      name: 'Product 50',
      hot: true,
      shards: 4,
      channelBuffers: { web: 1 },
      updatedBy: { sub: 'csv-import', role: 'admin' },
    });
    expect((await oms.api(`/v1/products/${sku(99)}`)).status).toBe(404);
    const listed = await oms.getJson<{ items: unknown[] }>('/v1/products?limit=500');
    expect(listed.items).toHaveLength(500);
  }, 240_000);

  it("reports the rows the API refuses, such as a drop-ship vendor that isn't one", async () => {
    const vendorFile = await csvFile('dropship.csv', [
      'sku,name,dropshipVendorLocationId',
      'IMP-DS-1,Vase,NO-SUCH-VENDOR',
    ]);

    const report = await run('import', 'products', vendorFile);

    expect(report).toMatchObject({ rows: 1, imported: 0 });
    expect(report.problems).toEqual([
      { line: 2, column: 'dropshipVendorLocationId', message: expect.stringContaining('NO-SUCH-VENDOR') },
    ]);
  });

  it('refuses a file with unknown or missing columns before reading any row', async () => {
    const wrong = await csvFile('wrong.csv', ['name,colour', 'Mug,blue']);

    const report = await run('import', 'products', wrong, '--dry-run');

    expect(report.problems).toEqual([
      { line: 1, column: 'colour', message: 'is not a column of this import' },
      { line: 1, column: 'sku', message: 'is a required column' },
    ]);
  });
});

describe('importing locations and stock levels from CSV', () => {
  it('creates the stores, then sets their stock once however often the file is imported', async () => {
    const locations = await csvFile('locations.csv', [
      'locationId,name,type,line1,city,country,lat,lon,timeZone,capabilities,dailyCapacity',
      'STORE-IMP-1,Braga store,store,Rua do Souto 1,Braga,PT,41.55,-8.42,Europe/Lisbon,ship|pickup,200',
      'STORE-IMP-2,Faro store,store,,Faro,PT,37.02,-7.93,Europe/Lisbon,ship,',
    ]);
    const stock = await csvFile('stock.csv', [
      'sku,locationId,onHand',
      'IMP-0001,STORE-IMP-1,12',
      'IMP-0001,STORE-IMP-2,3',
    ]);

    const placed = await run('import', 'locations', locations);
    const counted = await run('import', 'stock', stock);
    const again = await run('import', 'stock', stock);

    expect(placed).toMatchObject({ rows: 2, imported: 2, problems: [] });
    expect(counted).toMatchObject({ rows: 2, imported: 2, problems: [] });
    expect(again).toMatchObject({ rows: 2, imported: 2, problems: [] });
    expect(await oms.getJson('/v1/locations/STORE-IMP-1')).toMatchObject({
      address: { line1: 'Rua do Souto 1', city: 'Braga', country: 'PT' },
      capabilities: ['ship', 'pickup'],
      dailyCapacity: 200,
    });
    const levels = await oms.getJson<{ locations: { locationId: string; onHand: number }[] }>(
      '/v1/inventory/IMP-0001',
    );
    expect(levels.locations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ locationId: 'STORE-IMP-1', onHand: 12 }),
        expect.objectContaining({ locationId: 'STORE-IMP-2', onHand: 3 }),
      ]),
    );
  });
});
