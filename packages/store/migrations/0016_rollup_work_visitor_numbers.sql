-- The work table numbers a day's visitors 1, 2, 3... instead of keeping their hashes:
-- exact visitor counts over 32-bit numbers take half the memory of 64-bit hashes, and
-- the scratch space of a rollup no longer holds the salted visitor hash at all. Each row
-- also carries its visitor's number of visits that day: a visitor with one visit is in
-- exactly one group of a breakdown, so is counted rather than kept in a set. The table is
-- empty between rollups, so it is recreated rather than altered.
DROP TABLE IF EXISTS rollup_work;

CREATE TABLE IF NOT EXISTS rollup_work
(
    site_id          LowCardinality(String),
    day              Date,
    ts               DateTime64(3, 'UTC'),
    visitor_no       UInt32,
    visitor_visits   UInt32,
    visit_no         UInt32,
    first_in_visit   UInt8,
    name             LowCardinality(String),
    path             String,
    engagement_ms    UInt32,
    props            Map(String, String),
    v_hostname       LowCardinality(String),
    v_source         LowCardinality(String),
    v_referrer       String,
    v_utm_source     String,
    v_utm_medium     LowCardinality(String),
    v_utm_campaign   String,
    v_utm_term       String,
    v_utm_content    String,
    v_country        LowCardinality(String),
    v_browser        LowCardinality(String),
    v_browser_version LowCardinality(String),
    v_os             LowCardinality(String),
    v_os_version     LowCardinality(String),
    v_device         LowCardinality(String),
    v_screen         LowCardinality(String),
    v_language       LowCardinality(String),
    v_entry_page     String,
    v_exit_page      String,
    v_pageviews      UInt32,
    v_bounce         UInt8,
    v_duration_s     UInt32,
    v_events         UInt32,
    v_engagement_ms  UInt64,
    v_engagements    UInt32
)
ENGINE = MergeTree
PARTITION BY (site_id, day)
ORDER BY (visitor_no, visit_no, ts);
