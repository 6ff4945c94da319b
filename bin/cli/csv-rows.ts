import { parse } from 'csv-parse/sync';
import type * as z from 'zod';
import { Location } from '../../functions/domain/location.js';
import { CycleCount } from '../../functions/domain/inventory/movement.js';
import { ProductRecord } from '../../functions/domain/product.js';

/**
 * Rows of a retailer's CSV (the way they keep locations, products and stock levels in a
 * spreadsheet) turned into the records the admin and inventory APIs take, each checked by the
 * schema the OMS reads it with. Every bad row is reported by its line in the file and the column
 * that is wrong, so a dry run lists all of them at once. Parsing is csv-parse's (quotes, commas
 * in cells, CRLF, a BOM), not ours.
 */
export const IMPORT_KINDS = ['locations', 'products', 'stock'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface RowProblem {
  line: number;
  column: string;
  message: string;
}

export interface ImportRow {
  line: number;
  /** The id the record is stored under (locationId, sku, or the count's movementId). */
  id: string;
  record: Record<string, unknown>;
}

export interface ParsedImport {
  rows: ImportRow[];
  problems: RowProblem[];
}

type Cell = 'text' | 'number' | 'boolean' | 'list' | 'map';

interface Column {
  /** Where the cell goes in the record; `address.city` nests. */
  field: string;
  cell: Cell;
}

const columns = (entries: Record<string, Cell | Column>): Record<string, Column> =>
  Object.fromEntries(
    Object.entries(entries).map(([name, spec]) => [
      name,
      typeof spec === 'string' ? { field: name, cell: spec } : spec,
    ]),
  );

const LOCATION_COLUMNS = columns({
  locationId: 'text',
  name: 'text',
  type: 'text',
  line1: { field: 'address.line1', cell: 'text' },
  city: { field: 'address.city', cell: 'text' },
  region: { field: 'address.region', cell: 'text' },
  postalCode: { field: 'address.postalCode', cell: 'text' },
  country: { field: 'address.country', cell: 'text' },
  lat: 'number',
  lon: 'number',
  timeZone: 'text',
  capabilities: 'list',
  regionsServed: 'list',
  channels: 'list',
  dailyCapacity: 'number',
  priority: 'number',
  costPerShipment: 'number',
  costCurrency: 'text',
  active: 'boolean',
});

const PRODUCT_COLUMNS = columns({
  sku: 'text',
  name: 'text',
  reorderPoint: 'number',
  reorderQuantity: 'number',
  vendorId: 'text',
  hot: 'boolean',
  shards: 'number',
  channelBuffers: 'map',
  dropshipVendorLocationId: 'text',
  preorderReleaseDate: 'text',
});

const STOCK_COLUMNS = columns({
  sku: 'text',
  locationId: 'text',
  onHand: { field: 'countedQuantity', cell: 'number' },
});

interface KindSpec {
  columns: Record<string, Column>;
  required: readonly string[];
  schema: z.ZodType;
  idOf(record: Record<string, unknown>, line: number, source: string): string;
}

const KINDS: Record<ImportKind, KindSpec> = {
  locations: {
    columns: LOCATION_COLUMNS,
    required: ['locationId', 'name', 'type', 'city', 'country', 'lat', 'lon', 'capabilities'],
    schema: Location,
    idOf: (record) => String(record.locationId),
  },
  products: {
    columns: PRODUCT_COLUMNS,
    required: ['sku'],
    schema: ProductRecord,
    idOf: (record) => String(record.sku),
  },
  stock: {
    columns: STOCK_COLUMNS,
    required: ['sku', 'locationId', 'onHand'],
    schema: CycleCount,
    // The same file imported twice counts once: the id is the file's and the line's.
    idOf: (_record, line, source) => `import-${source}-${line}`,
  },
};

/** Parses the CSV text (first line: column names) of one kind of record. */
export function parseImport(kind: ImportKind, csv: string, source: string): ParsedImport {
  const spec = KINDS[kind];
  const problems: RowProblem[] = [];
  let table: string[][];
  try {
    table = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], problems: [{ line, column: '', message: (error as Error).message }] };
  }
  const [header = [], ...body] = table;
  const unknown = header.filter((name) => !(name in spec.columns));
  for (const name of unknown)
    problems.push({ line: 1, column: name, message: 'is not a column of this import' });
  for (const name of spec.required.filter((required) => !header.includes(required))) {
    problems.push({ line: 1, column: name, message: 'is a required column' });
  }
  if (problems.length > 0) return { rows: [], problems };

  const rows: ImportRow[] = [];
  body.forEach((cells, index) => {
    // Line numbers as a spreadsheet shows them: the header is line 1.
    const line = index + 2;
    const { record, problems: cellProblems } = recordOf(header, cells, spec, line);
    if (kind === 'stock') Object.assign(record, { type: 'cycle_count', who: 'csv import' });
    if (cellProblems.length === 0) {
      if (kind === 'stock') record.movementId = spec.idOf(record, line, source);
      const result = spec.schema.safeParse(record);
      if (result.success) {
        rows.push({ line, id: spec.idOf(record, line, source), record });
        return;
      }
      for (const issue of result.error.issues) {
        problems.push({ line, column: columnOf(issue.path, spec.columns), message: issue.message });
      }
      return;
    }
    problems.push(...cellProblems);
  });
  return { rows, problems };
}

function recordOf(header: string[], cells: string[], spec: KindSpec, line: number) {
  const record: Record<string, unknown> = {};
  const problems: RowProblem[] = [];
  header.forEach((name, index) => {
    const text = cells[index] ?? '';
    if (text === '') return;
    const column = spec.columns[name]!;
    const value = cellValue(column.cell, text);
    if (value === undefined) {
      problems.push({ line, column: name, message: `"${text}" is not a ${column.cell}` });
      return;
    }
    const path = column.field.split('.');
    let target = record;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[path.at(-1)!] = value;
  });
  return { record, problems };
}

function cellValue(cell: Cell, text: string): unknown {
  switch (cell) {
    case 'text':
      return text;
    case 'number': {
      const number = Number(text);
      return Number.isFinite(number) ? number : undefined;
    }
    case 'boolean':
      return { true: true, false: false, yes: true, no: false, '1': true, '0': false }[text.toLowerCase()];
    case 'list':
      return text
        .split('|')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'map': {
      // channel:units|channel:units, as `web:2|amazon:5`
      const entries = text.split('|').map((pair) => pair.split(':').map((part) => part.trim()));
      if (entries.some((entry) => entry.length !== 2 || !Number.isFinite(Number(entry[1])))) return undefined;
      return Object.fromEntries(entries.map(([key, value]) => [key, Number(value)]));
    }
  }
}

/** The CSV column a schema issue is about: the column whose field the path starts with. */
function columnOf(path: readonly PropertyKey[], spec: Record<string, Column>): string {
  const field = path.map(String).join('.');
  const match = Object.entries(spec)
    .filter(([, column]) => field === column.field || field.startsWith(`${column.field}.`))
    .sort(([, a], [, b]) => b.field.length - a.field.length)[0];
  return match?.[0] ?? (field || '(row)');
}
