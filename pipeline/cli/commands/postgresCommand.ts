import type { CommandModule } from 'yargs';
import { EMBEDDED_DATABASE, EMBEDDED_USER, embeddedPort, startEmbeddedPostgres } from '../../export/embeddedPostgres.js';
import { configFrom, withGlobalOptions, type GlobalArgs } from '../globalOptions.js';

export const postgresCommand: CommandModule<object, GlobalArgs> = {
  command: 'postgres',
  describe: 'keep the embedded Postgres serving on 127.0.0.1 so consumers can connect (Ctrl-C stops it)',
  builder: (y) => withGlobalOptions(y) as never,
  handler: async (args) => {
    const config = configFrom(args);
    const pg = await startEmbeddedPostgres(config.warehousePath);
    const port = embeddedPort();
    console.log(`embedded Postgres serving on 127.0.0.1:${port}${pg.startedHere ? '' : ' (already running)'}`);
    console.log(`connect: PGPASSWORD=pipeline psql -h 127.0.0.1 -p ${port} -U ${EMBEDDED_USER} ${EMBEDDED_DATABASE}`);
    if (!pg.startedHere) return;
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await pg.stop();
    console.log('embedded Postgres stopped');
  },
};
