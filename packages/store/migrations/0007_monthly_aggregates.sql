-- Monthly sums of the daily aggregates, so that long ranges read 13 monthly partitions
-- instead of 395 daily ones. Visitors are summed daily (as everywhere over several
-- days). Rebuilt from the daily tables for a whole month after each daily rollup, and
-- swapped in with REPLACE PARTITION like the daily ones.
CREATE TABLE IF NOT EXISTS agg_totals_monthly
(
    site_id       LowCardinality(String),
    month         Date,
    visitors      UInt64,
    visits        UInt64,
    pageviews     UInt64,
    bounces       UInt64,
    duration_s    UInt64,
    events        UInt64,
    engagement_ms UInt64
)
ENGINE = MergeTree
PARTITION BY month
ORDER BY (site_id, month);

CREATE TABLE IF NOT EXISTS agg_breakdown_monthly
(
    site_id          LowCardinality(String),
    month            Date,
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
PARTITION BY month
ORDER BY (site_id, filter_dimension, filter_value, dimension, month, value);

CREATE TABLE IF NOT EXISTS agg_events_monthly
(
    site_id    LowCardinality(String),
    month      Date,
    kind       Enum8('event' = 1, 'goal' = 2),
    event      String,
    prop_key   String,
    prop_value String,
    visitors   UInt64,
    events     UInt64
)
ENGINE = MergeTree
PARTITION BY month
ORDER BY (site_id, kind, event, prop_key, month, prop_value);

CREATE TABLE IF NOT EXISTS agg_totals_monthly_staging AS agg_totals_monthly;
CREATE TABLE IF NOT EXISTS agg_breakdown_monthly_staging AS agg_breakdown_monthly;
CREATE TABLE IF NOT EXISTS agg_events_monthly_staging AS agg_events_monthly;
