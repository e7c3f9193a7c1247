-- Let a retried raw batch be recognised: inserts carry a deduplication token (the batch
-- id), and ClickHouse keeps the last 10,000 tokens of this non-replicated table.
ALTER TABLE raw_hits MODIFY SETTING non_replicated_deduplication_window = 10000;
