import { createFromTemplate, databaseName, dropDatabase, newFileDatabaseUrl, templateDatabaseUrl, withAdmin } from './test-databases';

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
afterAll(() => withAdmin(url, (admin) => dropDatabase(admin, databaseName(url))));
