-- The centres' daily city AQI forecasts (POST /v1/forecasts). Every issue is kept: a forecast's
-- identity is (source, city, valid_date, issue_day), issue_day being the CST day of issued_at; a later
-- issued_at for the same identity is a re-issue. Which issue is in force is derived at read time:
-- the latest issued_at (then the latest receipt) among the issues received by then
-- (docs/standards.md §9.1), so nothing is overwritten and asOf sees what was in force.
CREATE TABLE IF NOT EXISTS {db}.forecasts
(
    source      LowCardinality(String),
    city        LowCardinality(String),
    province    LowCardinality(String),
    valid_date  Date,
    issue_day   Date,
    lead        UInt8,
    issued_at   DateTime64(3, 'UTC'),
    aqi_low     UInt16,
    aqi_high    UInt16,
    category    LowCardinality(String),
    primary     Array(LowCardinality(String)),
    pm25        Nullable(Float64),
    o3_mda8     Nullable(Float64),
    centre      LowCardinality(String),
    received_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYear(valid_date)
ORDER BY (valid_date, city, source, issue_day, issued_at, received_at);
