// The Spark engine's Postgres export in its own process, as the CLI will run it
// (built code: `make test-spark` builds first), so a test can kill it with
// PIPELINE_CRASH_AT=<export crash point> (SIGKILL, as kill -9):
//   node test/spark/exportLake.child.mjs '<json: remote, lake, versions, runId, postgres, schema, workDir>'
// prints the sync report as JSON and exits 0.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const { SparkConnectClient } = await import(path.join(root, 'dist/pipeline/spark/SparkConnectClient.js'));
const { SparkExportSource } = await import(path.join(root, 'dist/pipeline/export/spark/SparkExportSource.js'));
const { runExport } = await import(path.join(root, 'dist/pipeline/export/runExport.js'));

const a = JSON.parse(process.argv[2]);
const client = new SparkConnectClient({ remote: a.remote });
try {
  await client.sql('SET spark.sql.session.timeZone = UTC');
  const source = new SparkExportSource({ client, lake: a.lake, versions: a.versions, runId: a.runId });
  const report = await runExport({ warehousePath: path.join(a.workDir, 'unused.duckdb') }, {
    postgres: a.postgres, pgSchema: a.schema, attempts: 1, source, workDir: a.workDir,
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await client.close();
}
