-- 1 on the first pageview or engagement hit of its page in its visit: a page's visits are
-- then counted rather than kept in a set, and a visitor goes into a page's visitor set
-- once per visit rather than once per hit.
ALTER TABLE rollup_work ADD COLUMN IF NOT EXISTS page_first UInt8;
