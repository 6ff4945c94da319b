import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ANALYTICS_TABLES, type AnalyticsTable, type ColumnType } from '../../functions/analytics/schema.js';

/**
 * The analytics export on a laptop: Parquet files in a folder, one folder per table and `dt`
 * partition (`<dir>/<table>/dt=YYYY-MM-DD/<n>.parquet`), written by DuckDB with the columns of
 * functions/analytics/schema.ts, and queried by DuckDB over the same table names Athena has
 * (`npm run oms -- sql`). OMS_ANALYTICS_DIR moves the folder.
 */
export const ANALYTICS_DIR_ENV = 'OMS_ANALYTICS_DIR';

export function analyticsDir(): string {
  return resolve(process.env[ANALYTICS_DIR_ENV] || join('.oms-data', 'analytics'));
}

const DUCKDB_TYPES: Record<ColumnType, string> = { string: 'VARCHAR', bigint: 'BIGINT', double: 'DOUBLE' };

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

export class ParquetFiles {
  private connection?: Promise<DuckDBConnection>;
  private written = 0;
  /** One write at a time: DuckDB's connection is not shared by concurrent statements. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string = analyticsDir()) {}

  /** Writes the rows of one table, one file per `dt` partition. */
  write(table: AnalyticsTable, rows: readonly Record<string, unknown>[]): Promise<void> {
    const task = this.queue.then(() => this.writeNow(table, rows));
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async writeNow(table: AnalyticsTable, rows: readonly Record<string, unknown>[]): Promise<void> {
    const connection = await (this.connection ??= DuckDBInstance.create(':memory:').then((db) =>
      db.connect(),
    ));
    const byDay = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) byDay.set(String(row.dt), [...(byDay.get(String(row.dt)) ?? []), row]);
    const columns = table.columns
      .map((column) => `${column.name}: '${DUCKDB_TYPES[column.type]}'`)
      .join(', ');
    for (const [dt, dayRows] of byDay) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(dt)) throw new Error(`An analytics row of ${table.name} has no dt.`);
      const folder = join(this.dir, table.name, `dt=${dt}`);
      await mkdir(folder, { recursive: true });
      const name = `${Date.now()}-${process.pid}-${this.written++}`;
      const staging = join(folder, `.${name}.ndjson`);
      await writeFile(staging, dayRows.map((row) => JSON.stringify(row)).join('\n'));
      try {
        await connection.run(
          `COPY (SELECT ${table.columns.map((column) => column.name).join(', ')} FROM read_json(${sqlString(staging)}, format = 'newline_delimited', columns = {${columns}})) TO ${sqlString(join(folder, `${name}.parquet`))} (FORMAT parquet)`,
        );
      } finally {
        await rm(staging, { force: true });
      }
    }
  }

  close(): void {
    void this.connection?.then((connection) => connection.closeSync());
  }
}

/**
 * A DuckDB connection where each export table is a view over its Parquet files (with `dt` from
 * the folder names, as Athena's partition projection gives it), for `oms sql`.
 */
export async function queryAnalytics(sql: string, dir: string = analyticsDir()) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const table of ANALYTICS_TABLES) {
      const files = join(dir, table.name, '*', '*.parquet');
      const empty = table.columns.map((column) => `NULL::${DUCKDB_TYPES[column.type]} AS ${column.name}`);
      // A table nothing was exported to yet is an empty view, so a query over it answers no rows.
      const source = (await hasFiles(connection, files))
        ? `SELECT * FROM read_parquet(${sqlString(files)}, hive_partitioning = true, union_by_name = true)`
        : `SELECT ${empty.join(', ')}, NULL::VARCHAR AS dt WHERE false`;
      await connection.run(`CREATE VIEW ${table.name} AS ${source}`);
    }
    const reader = await connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function hasFiles(connection: DuckDBConnection, pattern: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM glob(${sqlString(pattern)})`);
  return Number(reader.getRowObjects()[0]?.n ?? 0) > 0;
}
