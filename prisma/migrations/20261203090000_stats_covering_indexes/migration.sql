-- DropIndex
DROP INDEX "deliveries_organization_id_created_at_idx";

-- DropIndex
DROP INDEX "delivery_attempts_started_at_idx";

-- CreateIndex
CREATE INDEX "deliveries_organization_id_created_at_status_idx" ON "deliveries"("organization_id", "created_at" DESC, "status");

-- CreateIndex
CREATE INDEX "delivery_attempts_started_at_subscription_id_duration_ms_idx" ON "delivery_attempts"("started_at", "subscription_id", "duration_ms");
