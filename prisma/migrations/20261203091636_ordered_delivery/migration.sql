-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "blocked_by" TEXT,
ADD COLUMN     "ordering_key" VARCHAR(255);

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "ordering_key" VARCHAR(255);

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "ordering" VARCHAR(16) NOT NULL DEFAULT 'none';

-- CreateTable
CREATE TABLE "ordering_tails" (
    "subscription_id" TEXT NOT NULL,
    "ordering_key" VARCHAR(255) NOT NULL,
    "tail_delivery_id" TEXT NOT NULL,

    CONSTRAINT "ordering_tails_pkey" PRIMARY KEY ("subscription_id","ordering_key")
);

-- CreateIndex
CREATE INDEX "deliveries_blocked_by_idx" ON "deliveries"("blocked_by");

-- CreateIndex
CREATE INDEX "deliveries_subscription_id_ordering_key_status_idx" ON "deliveries"("subscription_id", "ordering_key", "status");

-- AddForeignKey
ALTER TABLE "ordering_tails" ADD CONSTRAINT "ordering_tails_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Ordered delivery (not expressible in schema.prisma): when a delivery of a "per_key" subscription
-- ends, the delivery waiting for it may go. A trigger does it in the transaction that records the
-- end, whichever path ends it (attempt, cancel, deletion). Fan-out locks the tail it chains behind
-- (FOR SHARE) before it commits, so an end either sees the new waiter or is seen by the fan-out.
CREATE FUNCTION release_ordered_successor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "deliveries" SET "blocked_by" = NULL WHERE "blocked_by" = NEW."id";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "deliveries_release_ordered_successor"
AFTER UPDATE OF "status" ON "deliveries"
FOR EACH ROW
WHEN (NEW."ordering_key" IS NOT NULL
      AND OLD."status" IN ('pending', 'retrying')
      AND NEW."status" IN ('delivered', 'failed', 'cancelled'))
EXECUTE FUNCTION release_ordered_successor();
