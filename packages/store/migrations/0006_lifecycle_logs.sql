-- What the aggregator did, for the audit and the privacy-officer view. No raw data.
CREATE TABLE IF NOT EXISTS rollup_log
(
    at          DateTime64(3, 'UTC'),
    site_id     LowCardinality(String),
    day         Date,
    raw_rows    UInt64,
    closed      UInt8,
    duration_ms UInt32
)
ENGINE = MergeTree
ORDER BY (site_id, day, at);

CREATE TABLE IF NOT EXISTS purge_log
(
    at                DateTime64(3, 'UTC'),
    partition_id      String,
    rows              UInt64,
    reason            Enum8('rolled_up' = 1, 'ttl' = 2),
    never_rolled_rows UInt64
)
ENGINE = MergeTree
ORDER BY at;

CREATE TABLE IF NOT EXISTS salt_log
(
    at      DateTime64(3, 'UTC'),
    site_id LowCardinality(String),
    day     Date,
    action  Enum8('created' = 1, 'destroyed' = 2)
)
ENGINE = MergeTree
ORDER BY at;

CREATE TABLE IF NOT EXISTS audit_log
(
    at     DateTime64(3, 'UTC'),
    passed UInt8,
    failed Array(String),
    report String
)
ENGINE = MergeTree
ORDER BY at;
