-- Speciated supersite readings (for the source factors): ions, OC/EC and elements, µg/m³, hourly. A value pushed
-- again replaces the earlier one (latest `received_at` wins); the factor analysis reads them at
-- station level beside the criteria pollutants.
CREATE TABLE IF NOT EXISTS {db}.species_readings
(
    station     LowCardinality(String),
    species     LowCardinality(String),
    time        DateTime('UTC'),
    value       Nullable(Float64),
    mdl         Nullable(Float64),
    uncertainty Nullable(Float64),
    centre      LowCardinality(String),
    received_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(received_at)
PARTITION BY toYear(time)
ORDER BY (station, species, time);
