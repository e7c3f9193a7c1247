-- Dashboard accounts, sessions, API keys and share links: in the store, so the dashboard
-- and `qa user` see one state at once. Every change is a new row of one entity (the
-- store's clock numbers it); reads take each entity's latest row (FINAL), so two
-- processes changing different entities never erase each other's change.
-- Secrets are never stored: scrypt hashes of passwords, SHA-256 of session ids, keys
-- and share tokens.
--
-- generation: raised at every password change, reset, role change and removal; a
-- session is valid only while it carries its user's current generation.
CREATE TABLE IF NOT EXISTS auth_users
(
    username      String,
    role          Enum8('admin' = 1, 'viewer' = 2),
    password_hash String,
    must_change   UInt8,
    generation    UInt32,
    removed       UInt8,
    created_at    DateTime64(3, 'UTC'),
    version       UInt64 DEFAULT toUnixTimestamp64Micro(now64(6))
)
ENGINE = ReplacingMergeTree(version)
ORDER BY username;
-- Sessions end at logout, at their user's next generation, after sessionHours without
-- a request and sessionMaxHours after login; the TTL (store clock) is the backstop.
CREATE TABLE IF NOT EXISTS auth_sessions
(
    id_hash      String,
    username     String,
    generation   UInt32,
    created_at   DateTime64(3, 'UTC'),
    last_seen_at DateTime64(3, 'UTC'),
    ended        UInt8,
    version      UInt64 DEFAULT toUnixTimestamp64Micro(now64(6)),
    stored_at    DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id_hash
TTL stored_at + INTERVAL 31 DAY;
-- parent_id: the key that created this one ('' when made from a session); revoking a key
-- revokes every key it made.
CREATE TABLE IF NOT EXISTS auth_api_keys
(
    id           String,
    key_hash     String,
    username     String,
    scope        Enum8('stats:read' = 1, 'admin' = 2),
    sites        Array(String),
    parent_id    String,
    created_at   DateTime64(3, 'UTC'),
    last_used_at Nullable(DateTime64(3, 'UTC')),
    revoked      UInt8,
    version      UInt64 DEFAULT toUnixTimestamp64Micro(now64(6))
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
CREATE TABLE IF NOT EXISTS auth_share_links
(
    id         String,
    token_hash String,
    site       String,
    created_by String,
    created_at DateTime64(3, 'UTC'),
    revoked    UInt8,
    version    UInt64 DEFAULT toUnixTimestamp64Micro(now64(6))
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
