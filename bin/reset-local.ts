import { join } from 'node:path';
import { dataFolder, resetFolder } from '../lib/local/data-folder';

/**
 * `npm run reset`: deletes the data folder of `npm start` (`.datagate/`, or DATAGATE_DATA_DIR),
 * so that the next start begins with fresh demo data. Refused while an npm start uses it.
 */

const folder = dataFolder(process.env.DATAGATE_DATA_DIR ?? join(process.cwd(), '.datagate'));

resetFolder(folder).then(
  () => {
    process.stdout.write(
      `Deleted ${folder.root}: the local database (every org, person, application, key, datasource and measurement), the local issuer's signing key (tokens it signed stop working) and the demo record. The next npm start creates fresh demo data.\n`,
    );
  },
  (error: unknown) => {
    console.error(`Nothing was deleted: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
