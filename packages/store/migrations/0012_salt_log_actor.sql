-- Who made or destroyed each salt: the aggregator ahead of time, or a collector that
-- found none (a fallback, which the privacy page shows).
ALTER TABLE salt_log ADD COLUMN IF NOT EXISTS actor LowCardinality(String) DEFAULT 'aggregator';
