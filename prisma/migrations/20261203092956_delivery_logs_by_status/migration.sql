-- CreateIndex
CREATE INDEX "deliveries_organization_id_status_created_at_idx" ON "deliveries"("organization_id", "status", "created_at" DESC);
