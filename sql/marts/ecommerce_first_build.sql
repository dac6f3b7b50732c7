-- Step "first build" of a run, instead of diff + upsert when ecommerce_state is
-- empty (a first run, or a rebuild after everything was deleted): every group
-- is new, so there is nothing to compare with and nothing is gone; the groups
-- go straight in (one write of the result instead of three).
-- Reads:  new_metrics (step marts/ecommerce_metrics), ecommerce_tombstones.
-- Writes: ecommerce_state, ecommerce_tombstones (a group that comes back loses its tombstone).
-- Variables: run_id  BIGINT  this run's id, the version stamped on every group.
DELETE FROM ecommerce_tombstones t USING new_metrics n
WHERE t.Customer_ID = n.Customer_ID AND t.start_timestamp = n.start_timestamp;

INSERT INTO ecommerce_state BY NAME
SELECT *, getvariable('run_id') AS _version FROM new_metrics;
