-- Stations: every version of the station list, each valid from a date (docs/feeds.md "Stations").
CREATE TABLE IF NOT EXISTS {db}.stations
(
    list_version LowCardinality(String),
    valid_from   Date,
    code         String,
    name         String,
    city         LowCardinality(String),
    county_city  LowCardinality(String),
    province     LowCardinality(String),
    lon          Nullable(Float64),
    lat          Nullable(Float64),
    control      Bool,
    stopped      Bool,
    imported_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(imported_at)
ORDER BY (list_version, code);

-- Every revision of every reading (ARCHITECTURE.md invariant 2). A revision is one arrival that changed
-- something; arrivals identical to the latest revision of their status are dropped before insert.
-- An exact replay (same arrival, same content: a Kafka redelivery) collapses on merge.
CREATE TABLE IF NOT EXISTS {db}.reading_revisions
(
    station        LowCardinality(String),
    pollutant      LowCardinality(String),
    time           DateTime('UTC') COMMENT 'hour-ending instant',
    value          Nullable(Float64) COMMENT 'canonical unit: mg/m3 for co, ug/m3 otherwise',
    unit           LowCardinality(String),
    original_unit  LowCardinality(String),
    missing_reason LowCardinality(String),
    source_flag    LowCardinality(String),
    source_valid   Bool,
    qc_flags       Array(LowCardinality(String)),
    valid          Bool COMMENT 'usable in statistics: value present, source valid, no invalidating QC flag',
    status         Enum8('provisional' = 1, 'audited' = 2),
    source_kind    Enum8('feed' = 1, 'push' = 2, 'backfill' = 3),
    source_id      LowCardinality(String),
    published_at   Nullable(DateTime64(3, 'UTC')),
    arrived_at     DateTime64(3, 'UTC'),
    stored_at      DateTime64(3, 'UTC') DEFAULT now64(3),
    revision_key   UInt64 MATERIALIZED cityHash64(ifNull(value, nan), source_flag, source_valid, source_id, missing_reason)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (pollutant, station, time, status, arrived_at, revision_key);

-- The current value of each identity, kept by the engine: the highest version wins, and the
-- version orders audited above provisional, then later arrival above earlier (invariant 2).
-- Read it with FINAL (or argMax) for an exact answer before background merges catch up.
CREATE TABLE IF NOT EXISTS {db}.readings
(
    station        LowCardinality(String),
    pollutant      LowCardinality(String),
    time           DateTime('UTC'),
    value          Nullable(Float64),
    unit           LowCardinality(String),
    source_flag    LowCardinality(String),
    source_valid   Bool,
    qc_flags       Array(LowCardinality(String)),
    valid          Bool,
    status         Enum8('provisional' = 1, 'audited' = 2),
    source_kind    Enum8('feed' = 1, 'push' = 2, 'backfill' = 3),
    source_id      LowCardinality(String),
    arrived_at     DateTime64(3, 'UTC'),
    version        UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(time)
ORDER BY (pollutant, station, time);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.readings_current_mv TO {db}.readings AS
SELECT
    station, pollutant, time, value, unit, source_flag, source_valid, qc_flags, valid, status,
    source_kind, source_id, arrived_at,
    toUInt64(status) * 1000000000000000 + toUInt64(toUnixTimestamp64Milli(arrived_at)) AS version
FROM {db}.reading_revisions;

-- What was refused, and why (ARCHITECTURE.md invariant 5); one row per refused record. A feed re-reads
-- its look-back window on every pull, so the same refusal arrives again and again: it collapses
-- to its first sighting (the version prefers the earliest received_at).
CREATE TABLE IF NOT EXISTS {db}.rejects
(
    received_at  DateTime64(3, 'UTC'),
    centre       LowCardinality(String) COMMENT 'centre accountable for the record (feed owner or pusher)',
    source_kind  Enum8('feed' = 1, 'push' = 2, 'backfill' = 3, 'bus' = 4),
    source_id    LowCardinality(String),
    record_index Int64 COMMENT 'position in the page, push body or file; -1 for a whole page or file',
    station      String,
    pollutant    String,
    time         DateTime('UTC') COMMENT 'hour-ending instant; 1970-01-01 when unknown',
    code         LowCardinality(String),
    field        String,
    reason       String,
    record       String COMMENT 'the raw record, truncated to 2000 characters',
    record_hash  UInt64 MATERIALIZED cityHash64(record),
    first_seen   UInt64 MATERIALIZED 4102444800000 - toUnixTimestamp64Milli(received_at)
)
ENGINE = ReplacingMergeTree(first_seen)
PARTITION BY toYYYYMM(time)
ORDER BY (centre, source_id, code, station, pollutant, time, field, record_hash);
