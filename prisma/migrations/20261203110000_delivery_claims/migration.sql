-- A worker claims an open delivery before it attempts it (issue 11): until claimed_until no other
-- worker, replayed job or sweep attempts it. The holder renews the claim while the attempt runs; a
-- crashed holder's claim lapses and the outbox sweeper hands the delivery on. Not indexed, so that
-- claiming and releasing stay HOT updates.
ALTER TABLE "deliveries" ADD COLUMN "claimed_until" TIMESTAMPTZ(3);
