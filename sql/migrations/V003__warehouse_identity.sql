-- V003: the warehouse's identity. Run ids (= versions) start over in a
-- warehouse recreated from nothing; an export target that remembers only a
-- version could then take the new warehouse's version 5 for the old one's and
-- keep stale rows. Exports store this id beside their watermark and start over
-- when it differs.
INSERT INTO pipeline_settings
SELECT 'warehouse_id', uuid()::VARCHAR
WHERE NOT EXISTS (SELECT 1 FROM pipeline_settings WHERE key = 'warehouse_id');
