import type { Command } from 'commander';
import type { TargetOptions } from './target.js';

/**
 * `oms sql "<query>"`: SQL over the local analytics export (Parquet files, queried with DuckDB),
 * with the tables and columns Athena has in AWS (docs/reports.md, "Analytics export"), so a
 * query tried on a laptop runs unchanged in the stage's Athena workgroup. With --aws it says
 * where: this command runs no Athena query itself (results and costs belong to the workgroup).
 */
export async function runSql(query: string, options: { dir?: string; aws?: boolean } = {}) {
  if (options.aws) {
    throw new Error(
      'In AWS, run the query in the Athena workgroup oms-<stage> (its database oms_<stage>): the tables and columns are the same.',
    );
  }
  // DuckDB is loaded by this command only, not by every other one.
  const { analyticsDir, queryAnalytics } = await import('../../lib/local/parquet.js');
  return queryAnalytics(query, options.dir ?? analyticsDir());
}

export function addSqlCommands(program: Command, print: (result: unknown) => void): void {
  program
    .command('sql <query>')
    .description('run SQL over the local analytics export (orders, order_lines, fulfillment_orders, returns)')
    .option('--dir <folder>', 'the export folder (default: OMS_ANALYTICS_DIR or .oms-data/analytics)')
    .action(async (query: string, options: { dir?: string }) =>
      print(await runSql(query, { ...options, aws: program.opts<TargetOptions>().aws ?? false })),
    );
}
