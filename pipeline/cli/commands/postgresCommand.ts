import type { CommandModule } from 'yargs';
import { PipelineError } from '../../errors/PipelineError.js';
import { embeddedSecretFiles, readSecret } from '../../export/embeddedSecrets.js';
import { EMBEDDED_DATABASE, EMBEDDED_USER, READER_ROLE, embeddedUrl } from '../../export/embeddedUrl.js';
import { embeddedPaths } from '../../export/embeddedPaths.js';
import { serverStatus, stopEmbeddedPostgres } from '../../export/stopEmbeddedPostgres.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

interface PostgresArgs extends GlobalArgs {
  url?: boolean;
  stop?: boolean;
}

const masked = (user: string, port: number) => `postgresql://${user}:****@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;

export const postgresCommand: CommandModule<object, PostgresArgs> = {
  command: 'postgres',
  describe: 'keep the embedded Postgres serving on 127.0.0.1 so consumers can connect (Ctrl-C stops it)',
  builder: (y) =>
    withGlobalOptions(y)
      .option('url', {
        type: 'boolean',
        describe: "print the consumers' (read-only) connection string, WITH its password, and exit",
      })
      .option('stop', { type: 'boolean', describe: "stop the embedded server serving this warehouse's data (e.g. one left running)" })
      .conflicts('url', 'stop') as never,
  handler: async (args) => {
    const { embeddedPort, startEmbeddedPostgres } = await import('../../export/embeddedPostgres.js');
    const config = configFrom(args);
    const port = embeddedPort();
    const files = embeddedSecretFiles(config.warehousePath);
    if (args.stop) {
      const result = await stopEmbeddedPostgres(config.warehousePath);
      console.log(result.message);
      return;
    }
    if (args.url) {
      const password = readSecret(files.reader);
      if (!password) {
        throw new PipelineError('NOT_FOUND', 'the embedded Postgres has not been set up for this warehouse yet: run `pipeline postgres` or `pipeline export` first');
      }
      console.log(embeddedUrl(READER_ROLE, password, port));
      return;
    }
    const pg = await startEmbeddedPostgres(config.warehousePath, {
      onSignal: () => console.log('leaving the embedded Postgres (it stops unless another command is using it)'),
    });
    const actualPort = new URL(pg.connectionString).port;
    console.log(`embedded Postgres serving on 127.0.0.1:${actualPort}${pg.startedHere ? '' : ' (already running)'}`);
    console.log(`consumers (read-only): ${masked(READER_ROLE, Number(actualPort))}`);
    console.log(`  the full string, with the password: pipeline postgres --url   e.g. psql "$(npx pipeline postgres --url)"`);
    console.log(`owner (superuser, used by the export): ${masked(EMBEDDED_USER, Number(actualPort))}, password in ${files.owner} (mode 0600)`);
    // Serves until SIGINT/SIGTERM (this process then leaves the server, which stops
    // unless another command is using it: exit 130/143), or until `postgres --stop`
    // stops it: then this ends too.
    const dataDir = embeddedPaths(config.warehousePath).dataDir;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (serverStatus(dataDir)) return;
        clearInterval(timer);
        resolve();
      }, 1000);
    });
    console.log('the embedded Postgres was stopped (pipeline postgres --stop)');
    await pg.stop();
  },
};
