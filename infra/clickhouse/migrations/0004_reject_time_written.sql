-- A reject's time exactly as the record wrote it. `time` is a DateTime('UTC'): a refused time such as
-- 2200-01-01T00:00:00Z would be clamped (to 2106) and 2025-02-30 rolled into March, so such a time
-- is kept only here (and `time` is 1970-01-01, read back as null). Rows stored before hold ''.
ALTER TABLE {db}.rejects ADD COLUMN IF NOT EXISTS time_written String DEFAULT '' AFTER time;
