-- Hand-written (schema.prisma cannot express a partial index; Prisma's diff leaves these as they are).
--
-- Almost every delivery is written twice: inserted by fan-out, updated once its first attempt
-- succeeds. That update changes the indexed status, so it is never HOT: PostgreSQL adds the new row
-- version to every index of the table, except a partial index whose predicate the row fails. These
-- three indexes serve only open deliveries (the sweeper), waiting ones (ordered successors) and
-- ordered ones; made partial, a delivered row of an unordered subscription enters none of them, on
-- insert (blocked_by and ordering_key are null) as on update: 5 of its 18 index entries are gone.

DROP INDEX "deliveries_status_next_attempt_at_idx";
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries"("status", "next_attempt_at")
  WHERE "status" IN ('pending', 'retrying');

DROP INDEX "deliveries_blocked_by_idx";
CREATE INDEX "deliveries_blocked_by_idx" ON "deliveries"("blocked_by") WHERE "blocked_by" IS NOT NULL;

DROP INDEX "deliveries_subscription_id_ordering_key_status_idx";
CREATE INDEX "deliveries_subscription_id_ordering_key_status_idx" ON "deliveries"("subscription_id", "ordering_key", "status")
  WHERE "ordering_key" IS NOT NULL;
