import { readFileSync } from 'node:fs'
import { ConfigSchema, type Config, type ConfigInput } from './schema.ts'

type Parse = (raw: string) => unknown
const int: Parse = (raw) => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw)
const bool: Parse = (raw) => (['1', 'true', 'yes'].includes(raw) ? true : ['0', 'false', 'no'].includes(raw) ? false : raw)
const list = (raw: string): string[] => raw.split(',').map((s) => s.trim()).filter(Boolean)
const text: Parse = (raw) => raw
/** SITES=a.com,b.org: one site per domain, UTC; richer site settings go in CONFIG_FILE. */
const sites: Parse = (raw) => list(raw).map((d) => ({ domains: [d] }))

/** Environment variables and the config paths they set: the one place env is read. */
export const ENV_KEYS: Record<string, { path: string[]; parse: Parse }> = {
  DATA_DIR: { path: ['dataDir'], parse: text },
  CLICKHOUSE_URL: { path: ['clickhouse', 'url'], parse: text },
  CLICKHOUSE_USER: { path: ['clickhouse', 'user'], parse: text },
  CLICKHOUSE_PASSWORD: { path: ['clickhouse', 'password'], parse: text },
  CLICKHOUSE_DATABASE: { path: ['clickhouse', 'database'], parse: text },
  STORE_PORT: { path: ['store', 'port'], parse: int },
  STORE_TCP_PORT: { path: ['store', 'tcpPort'], parse: int },
  SITES: { path: ['sites'], parse: sites },
  COLLECTOR_HOST: { path: ['collector', 'host'], parse: text },
  COLLECTOR_PORT: { path: ['collector', 'port'], parse: int },
  COLLECTOR_PROCESSES: { path: ['collector', 'processes'], parse: int },
  TRUSTED_PROXIES: { path: ['collector', 'trustedProxies'], parse: list },
  IPV4_PREFIX_BITS: { path: ['collector', 'ipv4PrefixBits'], parse: int },
  IPV6_PREFIX_BITS: { path: ['collector', 'ipv6PrefixBits'], parse: int },
  HONOUR_DNT: { path: ['collector', 'honourDnt'], parse: bool },
  QUERY_ALLOWLIST: { path: ['collector', 'queryAllowlist'], parse: list },
  BODY_LIMIT_BYTES: { path: ['collector', 'bodyLimitBytes'], parse: int },
  RATE_LIMIT_PER_MINUTE: { path: ['collector', 'rateLimitPerMinute'], parse: int },
  SITE_RATE_LIMIT_PER_MINUTE: { path: ['collector', 'siteRateLimitPerMinute'], parse: int },
  BATCH_MAX_ROWS: { path: ['collector', 'batchMaxRows'], parse: int },
  FLUSH_INTERVAL_MS: { path: ['collector', 'flushIntervalMs'], parse: int },
  MAX_BUFFERED_ROWS: { path: ['collector', 'maxBufferedRows'], parse: int },
  SPOOL_DIR: { path: ['collector', 'spoolDir'], parse: text },
  SPOOL_MAX_BYTES: { path: ['collector', 'spoolMaxBytes'], parse: int },
  DURABLE_INGEST: { path: ['collector', 'durable'], parse: bool },
  RAW_TTL_HOURS: { path: ['retention', 'rawTtlHours'], parse: int },
  SALT_GRACE_MINUTES: { path: ['retention', 'saltGraceMinutes'], parse: int },
  CLOSE_AFTER_MINUTES: { path: ['retention', 'closeAfterMinutes'], parse: int },
  MIN_GROUP_SIZE: { path: ['aggregation', 'minGroupSize'], parse: int },
  FILTER_DIMENSIONS: { path: ['aggregation', 'filterDimensions'], parse: list },
  BOUNCE_ENGAGEMENT_MS: { path: ['aggregation', 'bounceEngagementMs'], parse: int },
  ROLLUP_INTERVAL_MS: { path: ['aggregation', 'rollupIntervalMs'], parse: int },
  DASHBOARD_DB_USER: { path: ['server', 'dashboardUser'], parse: text },
  CLICKHOUSE_CLUSTER: { path: ['server', 'cluster'], parse: text },
  DASHBOARD_HOST: { path: ['dashboard', 'host'], parse: text },
  DASHBOARD_PORT: { path: ['dashboard', 'port'], parse: int },
  DASHBOARD_AUTH_FILE: { path: ['dashboard', 'authFile'], parse: text },
  SESSION_HOURS: { path: ['dashboard', 'sessionHours'], parse: int },
  SESSION_MAX_HOURS: { path: ['dashboard', 'sessionMaxHours'], parse: int },
  LOGIN_ATTEMPTS: { path: ['dashboard', 'loginAttempts'], parse: int },
  DASHBOARD_RESULT_CACHE: { path: ['dashboard', 'resultCache'], parse: bool },
  DASHBOARD_DB_PASSWORD: { path: ['dashboard', 'dbPassword'], parse: text },
  DEMO_PORT: { path: ['demo', 'port'], parse: int },
  METRICS_TOKEN: { path: ['metricsToken'], parse: text },
  LOG_LEVEL: { path: ['logLevel'], parse: text },
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>
  }
  node[path[path.length - 1]!] = value
}

function envNameFor(path: PropertyKey[]): string | undefined {
  const joined = path.map(String).join('.')
  return Object.entries(ENV_KEYS).find(([, v]) => joined.startsWith(v.path.join('.')))?.[0]
}

/**
 * Builds the config from an optional JSON file (CONFIG_FILE) overlaid by environment
 * variables. Throws a ConfigError naming each wrong key and what it allows.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: ConfigInput = {}): Config {
  let input: Record<string, unknown> = {}
  const file = env.CONFIG_FILE
  if (file) {
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new ConfigError(`config: CONFIG_FILE ${file} is not readable JSON (${(err as Error).message})`)
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`config: CONFIG_FILE ${file} must hold a JSON object of settings, not ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}`)
    }
    input = parsed as Record<string, unknown>
  }
  for (const [name, { path, parse }] of Object.entries(ENV_KEYS)) {
    const raw = env[name]
    if (raw !== undefined && raw !== '') setPath(input, path, parse(raw))
  }
  input = deepMerge(input, overrides as Record<string, unknown>)
  const result = ConfigSchema.safeParse(input)
  if (!result.success) {
    const lines = result.error.issues.flatMap((issue) => {
      // An unknown key is named with the nearest known one: a typo must not pass as a default.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => {
          const key = [...issue.path.map(String), k].join('.')
          return `  ${key}: unknown setting${didYouMean(k, knownKeysAt(issue.path))}`
        })
      }
      const key = issue.path.map(String).join('.') || '(root)'
      const envName = envNameFor(issue.path)
      const hint = issue.code === 'invalid_value' ? didYouMean(String(valueAt(input, issue.path)), issue.values.map(String)) : ''
      return [`  ${key}${envName ? ` (${envName})` : ''}: ${issue.message}${hint}`]
    })
    throw new ConfigError(`config: invalid configuration\n${lines.join('\n')}`)
  }
  return result.data
}

/** The keys the schema knows for the object at `path` (array indices pass through). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let node: unknown = ConfigSchema
  const inner = (n: unknown): unknown => {
    let cur = n as { _zod?: { def: { innerType?: unknown; in?: unknown; element?: unknown } } }
    for (;;) {
      const def = cur._zod?.def
      const next = def?.innerType ?? def?.in
      if (!next) return cur
      cur = next as typeof cur
    }
  }
  for (const seg of path) {
    node = inner(node)
    const def = (node as { _zod: { def: { element?: unknown; shape?: Record<string, unknown> } } })._zod.def
    node = typeof seg === 'number' ? def.element : def.shape?.[String(seg)]
    if (!node) return []
  }
  const shape = (inner(node) as { _zod: { def: { shape?: Record<string, unknown> } } })._zod.def.shape
  return shape ? Object.keys(shape) : []
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, seg) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg as string] : undefined), input)
}

/** ' (did you mean rawTtlHours?)' when a known name is close to what was written. */
function didYouMean(written: string, known: readonly string[]): string {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = editDistance(written.toLowerCase(), k.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(written.length / 3)) ? ` (did you mean ${best}?)` : ''
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]!
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v
  }
  return out
}
