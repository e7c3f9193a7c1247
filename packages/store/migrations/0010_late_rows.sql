-- When the store took each raw row, so a row that arrives for a day after its closing
-- rollup read it (a spool replayed after a long outage, a skewed clock) is known: never
-- aggregated, counted as late and as never rolled up when purged. And what each rollup read.
ALTER TABLE raw_hits ADD COLUMN IF NOT EXISTS inserted_at DateTime64(3, 'UTC') DEFAULT now64(3);
ALTER TABLE rollup_log ADD COLUMN IF NOT EXISTS read_until DateTime64(3, 'UTC') DEFAULT 0;
