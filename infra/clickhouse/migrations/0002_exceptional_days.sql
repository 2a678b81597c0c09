-- Exceptional days (docs/standards.md §3.6): sand-dust days per city, recorded by the coordinator.
-- Statistics come both with and without them. A day recorded again replaces the earlier record;
-- `removed` takes a day back out.
CREATE TABLE IF NOT EXISTS {db}.exceptional_days
(
    city        LowCardinality(String),
    day         Date,
    kind        LowCardinality(String),
    source      String,
    removed     Bool DEFAULT false,
    recorded_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY (city, day, kind);
