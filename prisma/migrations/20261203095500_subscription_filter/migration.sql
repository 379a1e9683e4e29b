-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "filter" JSONB;
