import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import ts from 'typescript';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@app/generated/prisma/client';
import { connect, createTestPool, migrate, testDatabaseUrl, withDatabase } from './support/database';

const ROOT = path.resolve(__dirname, '..');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const GENERATED_MODELS_DIR = path.join(ROOT, 'generated', 'prisma', 'models');
const SCHEMA_SQL_SCRIPT = path.join(ROOT, 'scripts', 'schema-sql.js');
// A database built from nothing (not the template's copy this file gets), so what is checked is
// exactly what the migrations produce.
const DATABASE_URL = withDatabase(testDatabaseUrl(), `${new URL(testDatabaseUrl()).pathname.slice(1)}_migrations_${process.pid}`);
const quiet = { log: () => {} };

interface RuntimeModel {
  dbName: string | null;
  fields: { name: string; kind: string; dbName?: string }[];
}
interface ColumnShape {
  nullable: boolean;
  array: boolean;
}

function migrationFolders(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function sha256OfMigration(name: string): string {
  return createHash('sha256')
    .update(readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')))
    .digest('hex');
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const admin = await connect(withDatabase(databaseUrl, 'postgres'));
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Nullability and list-ness of each scalar field, from the generated `$<Model>Payload` type
 * (`scalars: GetPayloadResult<{ field: Type | null, ... }>`): the runtime data model leaves them out.
 */
function generatedScalarShapes(model: string): Map<string, ColumnShape> {
  const file = path.join(GENERATED_MODELS_DIR, `${model}.ts`);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const payload = source.statements.find((node): node is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(node) && node.name.text === `$${model}Payload`);
  const scalars = payload && ts.isTypeLiteralNode(payload.type) ? payload.type.members.find((member) => member.name?.getText(source) === 'scalars') : undefined;
  const fields =
    scalars && ts.isPropertySignature(scalars) && scalars.type && ts.isTypeReferenceNode(scalars.type) ? scalars.type.typeArguments?.[0] : undefined;
  if (!fields || !ts.isTypeLiteralNode(fields)) throw new Error(`No scalars found in $${model}Payload (${file})`);

  return new Map(
    fields.members.filter(ts.isPropertySignature).map((member) => {
      const type = member.type!;
      const alternatives = ts.isUnionTypeNode(type) ? [...type.types] : [type];
      const nullable = alternatives.some((t) => ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword);
      return [member.name.getText(source), { nullable, array: alternatives.some(ts.isArrayTypeNode) }];
    }),
  );
}

/** Runs the schema engine's diff (scripts/schema-sql.js --check): exit 0 = in sync, 2 = drift. */
function schemaEngineCheck(databaseUrl: string): Promise<{ code: number | string | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCHEMA_SQL_SCRIPT, '--check', databaseUrl], { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal ?? null) : 0, output: stdout + stderr });
    });
  });
}

describe('prisma/migrations', () => {
  let pool: Pool;
  let prisma: PrismaClient;
  let appliedOnFirstRun: string[];

  const historyRows = async () => (await pool.query('SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name')).rows;

  beforeAll(async () => {
    await dropDatabase(DATABASE_URL);
    appliedOnFirstRun = await migrate(DATABASE_URL, quiet); // also proves it creates a missing database
    pool = createTestPool(DATABASE_URL);
    // Never queried: it is here for its runtime data model. Nothing connects before a query.
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: DATABASE_URL }) });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.end();
    await dropDatabase(DATABASE_URL);
  });

  it('applies every migration folder, in lexical order, to a new database', () => {
    expect(migrationFolders().length).toBeGreaterThan(0);
    expect(appliedOnFirstRun).toEqual(migrationFolders());
  });

  it('has a table per model and a column per scalar field (names as mapped), with matching nullability', async () => {
    // Internal, but it is the very model the client builds its SQL from (@@map / @map applied).
    const models = (prisma as unknown as { _runtimeDataModel: { models: Record<string, RuntimeModel> } })._runtimeDataModel.models;
    const expected: Record<string, Record<string, ColumnShape>> = {};
    for (const [modelName, model] of Object.entries(models)) {
      const shapes = generatedScalarShapes(modelName);
      const columns: Record<string, ColumnShape> = {};
      for (const field of model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')) {
        const shape = shapes.get(field.name);
        if (!shape) throw new Error(`${modelName}.${field.name} is missing from the generated payload type`);
        // Prisma creates scalar-list columns (String[] -> TEXT[]) without NOT NULL.
        columns[field.dbName ?? field.name] = { nullable: shape.array || shape.nullable, array: shape.array };
      }
      expected[model.dbName ?? modelName] = columns;
    }

    const { rows } = await pool.query<{ table_name: string; column_name: string; is_nullable: string; data_type: string }>(
      `SELECT table_name, column_name, is_nullable, data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    const actual: Record<string, Record<string, ColumnShape>> = {};
    for (const row of rows) {
      actual[row.table_name] ??= {};
      actual[row.table_name][row.column_name] = { nullable: row.is_nullable === 'YES', array: row.data_type === 'ARRAY' };
    }

    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it('records each migration folder once in _prisma_migrations, finished, with the sha256 of its migration.sql', async () => {
    const recorded = (await historyRows()).map((row) => ({
      migration: row.migration_name,
      checksum: row.checksum,
      finished: row.finished_at !== null,
      rolledBack: row.rolled_back_at !== null,
      appliedSteps: row.applied_steps_count,
    }));
    expect(recorded).toEqual(
      migrationFolders().map((name) => ({
        migration: name,
        checksum: sha256OfMigration(name),
        finished: true,
        rolledBack: false,
        appliedSteps: 1,
      })),
    );
  });

  it('changes nothing when run again', async () => {
    const before = await historyRows();
    await expect(migrate(DATABASE_URL, quiet)).resolves.toEqual([]);
    expect(await historyRows()).toEqual(before);
  });

  it("matches schema.prisma according to Prisma's own schema engine, which does notice drift", async () => {
    const inSync = await schemaEngineCheck(DATABASE_URL);
    expect(inSync).toEqual({ code: 0, output: expect.stringContaining('matches prisma/schema.prisma') });

    // The same check must fail once the database drifts, or the assertion above proves nothing.
    await pool.query('ALTER TABLE "events" ADD COLUMN "drift" INTEGER');
    const drifted = await schemaEngineCheck(DATABASE_URL);
    expect(drifted.code).toBe(2);
    expect(drifted.output).toContain('DROP COLUMN "drift"');
  });
});
