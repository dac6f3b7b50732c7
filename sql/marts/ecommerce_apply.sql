-- Step "upsert and tombstones" of a run: applies the diff to the result.
-- Changed or new groups are replaced (delete + insert) and get _version = run_id;
-- groups that lost all their orders are deleted and leave a tombstone with that
-- version (the export deletes them downstream); a group that comes back loses its
-- tombstone.
-- Reads:  changed_groups, gone_groups (step marts/ecommerce_diff).
-- Writes: ecommerce_state, ecommerce_tombstones; temp table replaced_groups.
-- Variables: run_id  BIGINT  this run's id, the version stamped on what it changes.
CREATE OR REPLACE TEMP TABLE replaced_groups AS
SELECT Customer_ID, start_timestamp FROM changed_groups
UNION ALL
SELECT Customer_ID, start_timestamp FROM gone_groups;

DELETE FROM ecommerce_state s USING replaced_groups k
WHERE s.Customer_ID = k.Customer_ID AND s.start_timestamp = k.start_timestamp;

-- In window order, as the first build wrote them (ecommerce_first_build.sql,
-- "Layout"): a daily drop's new groups, all in the newest windows, extend the
-- sorted table; a late or corrected group lands at its end.
INSERT INTO ecommerce_state BY NAME
SELECT *, getvariable('run_id') AS _version FROM changed_groups
ORDER BY start_timestamp, Customer_ID;

DELETE FROM ecommerce_tombstones t USING replaced_groups k
WHERE t.Customer_ID = k.Customer_ID AND t.start_timestamp = k.start_timestamp;

INSERT INTO ecommerce_tombstones BY NAME
SELECT Customer_ID, start_timestamp, getvariable('run_id') AS _version FROM gone_groups;
