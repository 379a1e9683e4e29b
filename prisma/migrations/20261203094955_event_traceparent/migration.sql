-- AlterTable
ALTER TABLE "events" ADD COLUMN     "traceparent" VARCHAR(55);
