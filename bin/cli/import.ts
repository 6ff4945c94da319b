import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { Option, type Command } from 'commander';
import { IMPORT_KINDS, parseImport, type ImportKind, type ImportRow, type RowProblem } from './csv-rows.js';
import { apiOf, type Api, type ApiOptions } from './api.js';

/**
 * `oms import locations|products|stock <file.csv> [--dry-run]`: a retailer's spreadsheet into the
 * OMS. Every row is checked first, and a dry run stops there with every bad row by line and
 * column; a real run sends the good rows through the API (so the admin API's checks, the actor
 * and the caches apply as for any other change), eight at a time, with a progress bar, and
 * reports the rows the API refused. Stock levels become cycle counts whose ids are the file's and
 * the line's, so importing the same file twice counts once.
 */
export interface ImportReport {
  kind: ImportKind;
  file: string;
  dryRun: boolean;
  rows: number;
  imported: number;
  problems: RowProblem[];
}

const IN_FLIGHT = 8;

export async function importFile(
  kind: ImportKind,
  file: string,
  options: ApiOptions & { dryRun?: boolean; progress?: boolean },
): Promise<ImportReport> {
  const text = await readFile(file, 'utf8');
  const source = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const { rows, problems } = parseImport(kind, text, source);
  const report = { kind, file: basename(file), dryRun: options.dryRun === true, rows: rows.length, problems };
  if (options.dryRun || rows.length === 0) return { ...report, imported: 0 };

  const api = await apiOf(options, { role: 'admin', sub: 'csv-import' });
  const bar = new SingleBar(
    { format: `${kind} [{bar}] {value}/{total} rows`, stream: process.stderr },
    Presets.shades_classic,
  );
  if (options.progress !== false) bar.start(rows.length, 0);
  let imported = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        const refusal = await send(api, kind, row);
        if (refusal) problems.push(...refusal);
        else imported += 1;
        bar.increment();
      }
    }),
  );
  bar.stop();
  problems.sort((a, b) => a.line - b.line);
  return { ...report, imported, problems };
}

/** Sends one row; answers the API's objections to it, if any, at the row's line. */
async function send(api: Api, kind: ImportKind, row: ImportRow): Promise<RowProblem[] | undefined> {
  const { path, method, body } = requestOf(kind, row);
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify(body),
  });
  if (response.ok) return undefined;
  const problem = (await response.json().catch(() => ({}))) as {
    detail?: string;
    errors?: { path: string; message: string }[];
  };
  if (problem.errors?.length) {
    return problem.errors.map((error) => ({ line: row.line, column: error.path, message: error.message }));
  }
  return [
    { line: row.line, column: '', message: `${response.status}: ${problem.detail ?? response.statusText}` },
  ];
}

function requestOf(kind: ImportKind, row: ImportRow) {
  const { record } = row;
  switch (kind) {
    case 'locations': {
      const { locationId: _id, ...location } = record;
      return { method: 'PUT', path: `/v1/locations/${encodeURIComponent(row.id)}`, body: location };
    }
    case 'products': {
      const { sku: _sku, ...product } = record;
      return { method: 'PUT', path: `/v1/products/${encodeURIComponent(row.id)}`, body: product };
    }
    case 'stock':
      return { method: 'POST', path: '/v1/inventory/movements', body: record };
  }
}

export function addImportCommands(program: Command, print: (result: unknown) => void): void {
  program
    .command('import')
    .description('Import locations, products or stock levels from a CSV file (docs/operations.md)')
    .addOption(new Option('--dry-run', 'check every row and report the bad ones; change nothing'))
    .argument('<kind>', IMPORT_KINDS.join(' | '))
    .argument('<file>', 'a CSV file whose first line names the columns')
    .action(async (kind: string, file: string, options: { dryRun?: boolean }) => {
      if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
        throw new Error(`Unknown kind "${kind}": one of ${IMPORT_KINDS.join(', ')}.`);
      }
      const report = await importFile(kind as ImportKind, file, {
        ...program.opts<ApiOptions>(),
        ...options,
      });
      print(report);
      if (report.problems.length > 0) process.exitCode = 1;
    });
}
