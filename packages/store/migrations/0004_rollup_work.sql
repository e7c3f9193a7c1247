-- Scratch space of one rollup: the hits of one site-day with their visit number and the
-- attributes of their visit. Holds visitor hashes, so it is raw data: emptied at the end
-- of every rollup and checked empty by the audit.
CREATE TABLE IF NOT EXISTS rollup_work
(
    site_id          LowCardinality(String),
    day              Date,
    ts               DateTime64(3, 'UTC'),
    visitor_id       UInt64,
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
ORDER BY (visitor_id, visit_no, ts);
