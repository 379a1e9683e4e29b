import { createFromTemplate, newFileDatabaseUrl, templateDatabaseUrl } from './test-databases';

/**
 * Set-up of every e2e file (jest setupFilesAfterEnv): the file gets its own database, a copy of the
 * migrated template, so no test sees another file's rows. It runs before the file's own code, so
 * testConfig(), createTestPool() and TEST_DATABASE_URL all name this file's database.
 */
const template = templateDatabaseUrl();
const url = newFileDatabaseUrl(template);
process.env.DATABASE_URL = url;
process.env.TEST_DATABASE_URL = url;

beforeAll(() => createFromTemplate(url, template));
// Not dropped here: Jest runs afterAll hooks in the order they are declared, so a drop here would run
// before the file's own afterAll stopped its stack, and DROP ... WITH (FORCE) would cut connections
// still open (an unhandled pg error, reported in whatever test ran next). Global teardown drops
// every file database of the run (dropFileDatabases).
