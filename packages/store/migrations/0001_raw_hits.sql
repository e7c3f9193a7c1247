-- Raw hits: the minimal columns of DESIGN invariant 3, partitioned by hour so that
-- purges drop whole partitions. The TTL is a backstop at the legal maximum of 10 days;
-- the aggregator's purge enforces the configured raw TTL.
CREATE TABLE IF NOT EXISTS raw_hits
(
    ts              DateTime64(3, 'UTC'),
    site_id         LowCardinality(String),
    visitor_id      UInt64,
    name            LowCardinality(String),
    hostname        LowCardinality(String),
    path            String,
    referrer_host   String,
    source          LowCardinality(String),
    utm_source      String,
    utm_medium      LowCardinality(String),
    utm_campaign    String,
    utm_term        String,
    utm_content     String,
    browser         LowCardinality(String),
    browser_version LowCardinality(String),
    os              LowCardinality(String),
    os_version      LowCardinality(String),
    device          LowCardinality(String),
    country         LowCardinality(String),
    screen_class    LowCardinality(String),
    language        LowCardinality(String),
    engagement_ms   UInt32,
    scroll_depth    UInt8,
    props           Map(String, String)
)
ENGINE = MergeTree
PARTITION BY toStartOfHour(ts)
ORDER BY (site_id, visitor_id, ts)
TTL toDateTime(ts) + INTERVAL 240 HOUR;
