-- Counters for the `total` of the log and execution listings (issue 11, bench --big-store). An exact
-- count(*) reads every matching index entry: 1M entries for an organization's logs/all took ~330 ms
-- on the bench box, whatever the page. The listings promise an exact total (the reference products'
-- `total` and `total_count`), so instead of estimating it the rows are counted as they are written:
--
-- * Triggers append one row per (organization, subscription, event type, status) that a statement
--   changed, with the signed number of deliveries (+ insert, - delete, -/+ status change); attempts
--   likewise per subscription. Writers only INSERT here: no row is shared between two writers, so a
--   counter never serialises deliveries (an UPDATE of one hot row per subscription would: its lock is
--   held until commit).
-- * A total is the sum of the matching rows, in the reader's snapshot: exactly count(*) at that moment.
-- * compact_*() replaces rows by one row per group. It runs after about one in 100 appended rows,
--   for the groups they touched, and for a whole organization when a read summed
--   many rows; a transaction-scoped advisory lock per organization (try, never wait) keeps two
--   compactions apart. Correctness does not depend on it: each row is deleted once, and its value
--   re-inserted in the same transaction.
--
-- Rows written with session_replication_role = replica (which skips triggers) are not counted: the
-- bench's bulk load recounts afterwards with recount_delivery_counts(). TRUNCATE empties the counters.

-- CreateTable
CREATE TABLE "delivery_counts" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "event_type" VARCHAR(255) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "delivery_counts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_attempt_counts" (
    "id" BIGSERIAL NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "delivery_attempt_counts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "delivery_counts_organization_id_subscription_id_idx" ON "delivery_counts"("organization_id", "subscription_id");

-- CreateIndex
CREATE INDEX "delivery_attempt_counts_subscription_id_idx" ON "delivery_attempt_counts"("subscription_id");

-- sub NULL: every subscription of the organization.
CREATE FUNCTION compact_delivery_counts(org TEXT, sub TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('delivery_counts'), hashtext(org)) THEN RETURN; END IF;
  WITH gone AS (
    DELETE FROM "delivery_counts" WHERE "organization_id" = org AND (sub IS NULL OR "subscription_id" = sub)
    RETURNING "subscription_id", "event_type", "status", "n")
  INSERT INTO "delivery_counts" ("organization_id", "subscription_id", "event_type", "status", "n")
  SELECT org, "subscription_id", "event_type", "status", sum("n") FROM gone GROUP BY 2, 3, 4 HAVING sum("n") <> 0;
END;
$$;

-- The same for the groups (organization, subscription, event type, status) a writing statement
-- touched, given as four parallel arrays; an organization another compaction holds is skipped.
CREATE FUNCTION compact_delivery_groups(orgs TEXT[], subs TEXT[], types TEXT[], statuses TEXT[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH g AS MATERIALIZED (
    SELECT g.* FROM unnest(orgs, subs, types, statuses) AS g(organization_id, subscription_id, event_type, status)
    WHERE pg_try_advisory_xact_lock(hashtext('delivery_counts'), hashtext(g.organization_id))),
  gone AS (
    DELETE FROM "delivery_counts" c USING g
    WHERE c."organization_id" = g.organization_id AND c."subscription_id" = g.subscription_id
      AND c."event_type" = g.event_type AND c."status" = g.status
    RETURNING c."organization_id", c."subscription_id", c."event_type", c."status", c."n")
  INSERT INTO "delivery_counts" ("organization_id", "subscription_id", "event_type", "status", "n")
  SELECT "organization_id", "subscription_id", "event_type", "status", sum("n") FROM gone GROUP BY 1, 2, 3, 4 HAVING sum("n") <> 0;
END;
$$;

CREATE FUNCTION compact_delivery_attempt_counts(sub TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('delivery_attempt_counts'), hashtext(sub)) THEN RETURN; END IF;
  WITH gone AS (DELETE FROM "delivery_attempt_counts" WHERE "subscription_id" = sub RETURNING "n")
  INSERT INTO "delivery_attempt_counts" ("subscription_id", "n") SELECT sub, sum("n") FROM gone HAVING sum("n") <> 0;
END;
$$;

-- Recounts one organization's deliveries and attempts from the rows themselves (after a bulk load
-- that skipped the triggers, or to check the counters: the result must not change them).
CREATE FUNCTION recount_delivery_counts(org TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "delivery_counts" WHERE "organization_id" = org;
  INSERT INTO "delivery_counts" ("organization_id", "subscription_id", "event_type", "status", "n")
  SELECT org, "subscription_id", "event_type", "status", count(*) FROM "deliveries" WHERE "organization_id" = org GROUP BY 2, 3, 4;
  DELETE FROM "delivery_attempt_counts" WHERE "subscription_id" IN (SELECT "id" FROM "subscriptions" WHERE "organization_id" = org);
  INSERT INTO "delivery_attempt_counts" ("subscription_id", "n")
  SELECT a."subscription_id", count(*) FROM "delivery_attempts" a
  WHERE a."subscription_id" IN (SELECT "id" FROM "subscriptions" WHERE "organization_id" = org) GROUP BY 1;
END;
$$;

-- The signed rows of each statement, netted per group. A statement that appended k rows then
-- compacts the groups (attempts: subscriptions) it touched with odds k/100: one in ~50
-- single-delivery status changes, every retention statement; a compaction rewrites only rows of
-- groups the statement wrote, so its cost stays about the rows appended since the last one.
CREATE FUNCTION count_inserted_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added BIGINT;
BEGIN
  INSERT INTO "delivery_counts" ("organization_id", "subscription_id", "event_type", "status", "n")
  SELECT "organization_id", "subscription_id", "event_type", "status", count(*) FROM new_rows GROUP BY 1, 2, 3, 4;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF random() * 100 < added THEN
    PERFORM compact_delivery_groups(array_agg(g."organization_id"), array_agg(g."subscription_id"), array_agg(g."event_type"), array_agg(g."status"))
    FROM (SELECT DISTINCT "organization_id", "subscription_id", "event_type", "status" FROM new_rows) AS g;
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION count_updated_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added BIGINT;
BEGIN
  INSERT INTO "delivery_counts" ("organization_id", "subscription_id", "event_type", "status", "n")
  SELECT "organization_id", "subscription_id", "event_type", "status", sum(c.n)
  FROM (SELECT "organization_id", "subscription_id", "event_type", "status", -1 AS n FROM old_rows
        UNION ALL
        SELECT "organization_id", "subscription_id", "event_type", "status", 1 FROM new_rows) AS c
  GROUP BY 1, 2, 3, 4 HAVING sum(c.n) <> 0;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF random() * 100 < added THEN
    PERFORM compact_delivery_groups(array_agg(g."organization_id"), array_agg(g."subscription_id"), array_agg(g."event_type"), array_agg(g."status"))
    FROM (SELECT DISTINCT "organization_id", "subscription_id", "event_type", "status" FROM new_rows) AS g;
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION count_deleted_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added BIGINT;
BEGIN
  INSERT INTO "delivery_counts" ("organization_id", "subscription_id", "event_type", "status", "n")
  SELECT "organization_id", "subscription_id", "event_type", "status", -count(*) FROM old_rows GROUP BY 1, 2, 3, 4;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF random() * 100 < added THEN
    PERFORM compact_delivery_groups(array_agg(g."organization_id"), array_agg(g."subscription_id"), array_agg(g."event_type"), array_agg(g."status"))
    FROM (SELECT DISTINCT "organization_id", "subscription_id", "event_type", "status" FROM old_rows) AS g;
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION count_inserted_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added BIGINT;
BEGIN
  INSERT INTO "delivery_attempt_counts" ("subscription_id", "n") SELECT "subscription_id", count(*) FROM new_rows GROUP BY 1;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF random() * 100 < added THEN
    PERFORM compact_delivery_attempt_counts(s."subscription_id") FROM (SELECT DISTINCT "subscription_id" FROM new_rows) AS s;
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION count_deleted_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added BIGINT;
BEGIN
  INSERT INTO "delivery_attempt_counts" ("subscription_id", "n") SELECT "subscription_id", -count(*) FROM old_rows GROUP BY 1;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF random() * 100 < added THEN
    PERFORM compact_delivery_attempt_counts(s."subscription_id") FROM (SELECT DISTINCT "subscription_id" FROM old_rows) AS s;
  END IF;
  RETURN NULL;
END;
$$;

-- An attempt's subscription never changes once written (no UPDATE counts attempts).
CREATE FUNCTION forget_delivery_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'deliveries' THEN
    DELETE FROM "delivery_counts";
  ELSE
    DELETE FROM "delivery_attempt_counts";
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "deliveries_count_insert" AFTER INSERT ON "deliveries"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_deliveries();
CREATE TRIGGER "deliveries_count_update" AFTER UPDATE ON "deliveries"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_updated_deliveries();
CREATE TRIGGER "deliveries_count_delete" AFTER DELETE ON "deliveries"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_deliveries();
CREATE TRIGGER "deliveries_count_truncate" AFTER TRUNCATE ON "deliveries"
FOR EACH STATEMENT EXECUTE FUNCTION forget_delivery_counts();

CREATE TRIGGER "delivery_attempts_count_insert" AFTER INSERT ON "delivery_attempts"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_attempts();
CREATE TRIGGER "delivery_attempts_count_delete" AFTER DELETE ON "delivery_attempts"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_attempts();
CREATE TRIGGER "delivery_attempts_count_truncate" AFTER TRUNCATE ON "delivery_attempts"
FOR EACH STATEMENT EXECUTE FUNCTION forget_delivery_counts();

-- The rows already stored (the triggers above exist first: this transaction holds their tables' lock,
-- so no write slips between the count and the triggers).
INSERT INTO "delivery_counts" ("organization_id", "subscription_id", "event_type", "status", "n")
SELECT "organization_id", "subscription_id", "event_type", "status", count(*) FROM "deliveries" GROUP BY 1, 2, 3, 4;
INSERT INTO "delivery_attempt_counts" ("subscription_id", "n")
SELECT "subscription_id", count(*) FROM "delivery_attempts" GROUP BY 1;
