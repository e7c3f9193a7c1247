-- Leases: which process may run the aggregator's work (salts, rollups, purges) now, so a
-- `qa rollup` beside a running aggregator waits for it instead of racing it. Rows are
-- events per holder; a holder's latest row says until when it holds. No visitor data:
-- a random holder id, the host name and the process id of the holder.
CREATE TABLE IF NOT EXISTS leases
(
    name        LowCardinality(String),
    holder      String,
    host        String,
    pid         UInt32,
    acquired_at DateTime64(3, 'UTC'),
    expires_at  DateTime64(3, 'UTC'),
    written_at  DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (name, holder, written_at)
TTL toDateTime(written_at) + INTERVAL 1 DAY;
