-- Detached raw parts (ALTER ... DETACH, or parts the engine set aside as broken) escape
-- partition drops and TTLs: the purge drops them too, and logs them as such.
ALTER TABLE purge_log MODIFY COLUMN reason Enum8('rolled_up' = 1, 'ttl' = 2, 'detached' = 3);
