-- Daily salts: 32 random bytes (hex) per site per salt day. Partitioned by day so that a
-- day's salts are destroyed with DROP PARTITION. Several candidate rows may exist for
-- one (site, day) when collectors race; the one in use is the least (created_at, salt).
CREATE TABLE IF NOT EXISTS salts
(
    site_id    LowCardinality(String),
    day        Date,
    salt       FixedString(64), -- hex
    created_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, created_at);
