-- Funnels: per site-day, how many visits reached each step, and how long they took from
-- the step before, in buckets. Counts only: no per-visitor sequence outlives the raw
-- rows it is computed from. `definition` names what the counts were computed for, so a
-- changed funnel never mixes old counts with new. Rows with time_bucket_s = -1 count
-- the visits that reached the step; others count the visits that reached it from the
-- step before in that many seconds (the bucket's lower bound).
CREATE TABLE IF NOT EXISTS agg_funnels_daily
(
    site_id          LowCardinality(String),
    day              Date,
    funnel           String,
    definition       String,
    filter_dimension LowCardinality(String),
    filter_value     String,
    step             UInt8,
    time_bucket_s    Int32,
    visits           UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, funnel, definition, filter_dimension, filter_value, day, step, time_bucket_s);

CREATE TABLE IF NOT EXISTS agg_funnels_daily_staging AS agg_funnels_daily;

-- Funnels defined in the dashboard (the configuration file holds the others): the latest
-- row of a site's funnel is its definition (spec: the funnel as JSON), or its removal.
CREATE TABLE IF NOT EXISTS funnel_defs
(
    site_id    String,
    name       String,
    spec       String,
    removed    UInt8,
    created_by String,
    version    UInt64 DEFAULT toUnixTimestamp64Micro(now64(6))
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, name);

-- Which funnels (name:definition) each rollup computed: a new or changed funnel makes
-- its open days due again, and the dashboard says from which day a funnel has data.
ALTER TABLE rollup_log ADD COLUMN IF NOT EXISTS funnels Array(String);
