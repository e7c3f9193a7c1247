-- TTL backstops run on the store's clock, never on a time a caller wrote: a caller's
-- clock may be skewed (or a test's manual clock days in the past), and a row would then
-- be deleted the moment it is written.
--
-- Salts get one, as raw_hits has: the aggregator destroys a salt once its day has ended
-- plus the grace; one is made at most a day ahead. A deployment whose aggregator never
-- runs still loses every salt three days after it was made.
ALTER TABLE salts ADD COLUMN IF NOT EXISTS stored_at DateTime DEFAULT now();
ALTER TABLE salts MODIFY TTL stored_at + INTERVAL 3 DAY;
-- Lease rows were kept a day after the holder's own clock: a claim written with a clock
-- more than a day behind vanished at once, and its holder read the lease as lost.
ALTER TABLE leases ADD COLUMN IF NOT EXISTS stored_at DateTime DEFAULT now();
ALTER TABLE leases MODIFY TTL stored_at + INTERVAL 1 DAY;
