-- Anonymous aggregates: counts and sums keyed by time bucket and dimension values. No
-- visitor hashes, no per-visitor sketches. Partitioned by the site-local day so a
-- rollup replaces a whole day atomically (REPLACE PARTITION from the *_staging twin).
CREATE TABLE IF NOT EXISTS agg_totals_hourly
(
    site_id       LowCardinality(String),
    day           Date,
    hour          DateTime('UTC'),
    visitors      UInt64,
    visits        UInt64,
    pageviews     UInt64,
    bounces       UInt64,
    duration_s    UInt64,
    events        UInt64,
    engagement_ms UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, hour);

CREATE TABLE IF NOT EXISTS agg_totals_daily
(
    site_id       LowCardinality(String),
    day           Date,
    visitors      UInt64,
    visits        UInt64,
    pageviews     UInt64,
    bounces       UInt64,
    duration_s    UInt64,
    events        UInt64,
    engagement_ms UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day);

-- One row per (filter dimension, filter value, dimension, value); filter_dimension = ''
-- is the plain breakdown, the others are the pairs the dashboard filters by.
CREATE TABLE IF NOT EXISTS agg_breakdown_daily
(
    site_id          LowCardinality(String),
    day              Date,
    filter_dimension LowCardinality(String),
    filter_value     String,
    dimension        LowCardinality(String),
    value            String,
    visitors         UInt64,
    visits           UInt64,
    pageviews        UInt64,
    bounces          UInt64,
    duration_s       UInt64,
    events           UInt64,
    engagement_ms    UInt64,
    engagements      UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, filter_dimension, filter_value, dimension, day, value);

-- Custom events and goals; prop_key = '' is the event's own total.
CREATE TABLE IF NOT EXISTS agg_events_daily
(
    site_id    LowCardinality(String),
    day        Date,
    kind       Enum8('event' = 1, 'goal' = 2),
    event      String,
    prop_key   String,
    prop_value String,
    visitors   UInt64,
    events     UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, kind, event, prop_key, day, prop_value);

CREATE TABLE IF NOT EXISTS agg_totals_hourly_staging AS agg_totals_hourly;
CREATE TABLE IF NOT EXISTS agg_totals_daily_staging AS agg_totals_daily;
CREATE TABLE IF NOT EXISTS agg_breakdown_daily_staging AS agg_breakdown_daily;
CREATE TABLE IF NOT EXISTS agg_events_daily_staging AS agg_events_daily;

-- Visitors active in the five minutes up to each minute: the dashboard's "current
-- visitors" without reading raw rows. Recomputed for the last hour on every rollup.
CREATE TABLE IF NOT EXISTS agg_realtime
(
    site_id     LowCardinality(String),
    minute      DateTime('UTC'),
    visitors_5m UInt64,
    pageviews   UInt64,
    computed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toDate(minute)
ORDER BY (site_id, minute)
TTL minute + INTERVAL 2 DAY;
