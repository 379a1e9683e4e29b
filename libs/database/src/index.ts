export * from './database.module';
export * from './prisma.service';
