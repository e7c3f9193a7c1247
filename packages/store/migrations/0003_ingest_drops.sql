-- Events the collector refused on purpose (bots, DNT/GPC, rate limits), counted per
-- site, minute and reason. Anonymous counts only.
CREATE TABLE IF NOT EXISTS ingest_drops
(
    minute  DateTime('UTC'),
    site_id LowCardinality(String),
    reason  LowCardinality(String),
    events  UInt64
)
ENGINE = SummingMergeTree(events)
ORDER BY (site_id, minute, reason);
