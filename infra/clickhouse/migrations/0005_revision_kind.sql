-- What each revision is to the one it replaces, kept as the processor admits it (GET /v1/changes):
-- 'first' (nothing replaced), 'correction' (a later value of the same status), 'audit' (the first
-- audited value, replacing the provisional one), 're-judged' (the same value with a new QC verdict,
-- because the same hour's PM2.5 or PM10 changed). Revisions stored before this migration say
-- 'unknown' and have no previous value: they were not recorded, and are not guessed.
-- previous_valid is null where nothing is replaced; previous_value is also null where the value
-- replaced was missing.
ALTER TABLE {db}.reading_revisions
    ADD COLUMN IF NOT EXISTS kind Enum8('unknown' = 0, 'first' = 1, 'correction' = 2, 'audit' = 3, 're-judged' = 4) DEFAULT 'unknown',
    ADD COLUMN IF NOT EXISTS previous_value Nullable(Float64) COMMENT 'value of the revision replaced',
    ADD COLUMN IF NOT EXISTS previous_valid Nullable(Bool) COMMENT 'validity of the revision replaced; null when none';
