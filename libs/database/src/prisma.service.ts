import { setFlagsFromString } from 'node:v8';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@app/generated/prisma/client';

/**
 * Prisma compiles its query compiler, a large WebAssembly module, at the first query; V8 then
 * recompiles it with its optimizing tier in the background: ~55 MB more RSS per process and CPU
 * taken from requests, for code that only plans queries. The baseline tier is fast enough.
 * Must be set before the first query (the module is compiled then); it affects only WebAssembly.
 */
setFlagsFromString('--liftoff-only');

/** The one Prisma client of a process, talking to PostgreSQL through node-postgres (no engine binary). */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(databaseUrl: string, poolSize = 10) {
    super({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
  }

  /** Resolves when PostgreSQL answers (the readiness probe). */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
