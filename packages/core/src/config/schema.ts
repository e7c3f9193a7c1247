import { availableParallelism } from 'node:os'
import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import { FunnelSchema, type Funnel } from '../schema/funnel.ts'
import { isIpAddress } from '../privacy/truncate-ip.ts'
import { VISIT_DIMENSION_NAMES } from '../schema/dimensions.ts'

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9.-]+$/, 'lower-case host name, letters, digits, dots and dashes only')

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export const GoalSchema = z
  .strictObject({
    name: z.string().min(1).max(120),
    /** A custom event name that counts as a conversion. */
    event: z.string().min(1).max(120).optional(),
    /** A page path, with * as wildcard, whose pageview counts as a conversion. */
    page: z.string().startsWith('/').max(2048).optional(),
  })
  .refine((g) => (g.event === undefined) !== (g.page === undefined), 'a goal has either an event or a page')

export const SiteSchema = z.strictObject({
  /** Site id used in every stored row; defaults to the first domain. */
  id: z.string().regex(/^[a-z0-9._-]{1,100}$/, 'letters, digits, ".", "_" or "-", at most 100').optional(),
  /** The `d` / `domain` values trackers send for this site. */
  domains: z.array(hostname).min(1),
  /** IANA time zone; the salt day and daily rollups follow it. */
  timezone: z.string().refine(isTimeZone, 'an IANA time zone such as "Europe/Berlin"').default('UTC'),
  /** Browser origins allowed to post events; defaults to http(s):// of each domain and its www. */
  allowedOrigins: z.array(z.string().url()).optional(),
  goals: z.array(GoalSchema).default([]),
  /** The website id an existing Umami snippet sends, so it can point here unchanged. */
  umamiWebsiteId: z.string().min(1).max(100).optional(),
  /** Overrides aggregation.minGroupSize for this site. */
  minGroupSize: z.number().int().min(1).max(1000).optional(),
  /** Overrides collector.durable for this site: answer only once the event is stored or fsynced in the spool. */
  durable: z.boolean().optional(),
  /**
   * The custom event names the site sends. When declared, any other name (pageviews and
   * engagement aside) is dropped and counted: a browser cannot invent event names.
   */
  events: z.array(z.string().min(1).max(120)).max(1000).optional(),
  /** Ordered steps counted per visit at each rollup (more can be defined in the dashboard). */
  funnels: z.array(FunnelSchema).max(20).default([]),
})
  .refine((s) => !s.events || s.goals.every((g) => g.event === undefined || s.events!.includes(g.event)), {
    message: 'a goal counts an event the site does not declare in events',
    path: ['goals'],
  })
  .refine((s) => new Set(s.funnels.map((f) => f.name)).size === s.funnels.length, { message: 'two funnels share a name', path: ['funnels'] })

function isAddressOrCidr(s: string): boolean {
  if (!s.includes('/')) return isIpAddress(s)
  try {
    ipaddr.parseCIDR(s)
    return isIpAddress(s.split('/')[0]!)
  } catch {
    return false
  }
}

const ipCidr = z.string().refine(isAddressOrCidr, 'an IP address or CIDR such as 10.0.0.0/8')

export const ConfigSchema = z.strictObject({
  /** The bundled store's data directory, and the collector's spool. */
  dataDir: z.string().min(1).default('./data'),
  clickhouse: z
    .strictObject({
      /** Server URL; unset means the bundled store process on dataDir. */
      url: z.string().url().optional(),
      user: z.string().default('default'),
      password: z.string().default(''),
      database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'an identifier such as "analytics"').default('analytics'),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** HTTP port of the bundled store process, on 127.0.0.1 (0 picks a free one). */
      port: z.number().int().min(0).max(65535).default(8790),
      /** Native protocol port, for Distributed tables over several store processes; unset: off. */
      tcpPort: z.number().int().min(0).max(65535).optional(),
    })
    .prefault({}),
  sites: z.array(SiteSchema).default([]),
  collector: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8787),
      /** Collector processes sharing the port (node:cluster); default: one per core. */
      processes: z.number().int().min(1).max(256).default(() => availableParallelism()),
      /** Proxies whose X-Forwarded-For is believed; nobody's by default. */
      trustedProxies: z.array(ipCidr).default([]),
      /** Bits of an IPv4 address kept after truncation (stricter means fewer). */
      ipv4PrefixBits: z.number().int().min(0).max(24).default(24),
      /** Bits of an IPv6 address kept after truncation. */
      ipv6PrefixBits: z.number().int().min(0).max(48).default(48),
      /** Drop events from browsers sending DNT: 1 or Sec-GPC: 1. */
      honourDnt: z.boolean().default(true),
      /** Query parameters kept in stored paths besides the utm_* columns. */
      queryAllowlist: z.array(z.string().min(1).max(64)).default([]),
      bodyLimitBytes: z.number().int().min(512).max(65536).default(8192),
      /** Events per minute accepted from one truncated IP (0 disables). */
      rateLimitPerMinute: z.number().int().min(0).default(600),
      /** Events per minute accepted for one site, whatever their source (0 disables). */
      siteRateLimitPerMinute: z.number().int().min(0).default(600_000),
      batchMaxRows: z.number().int().min(1).max(1_000_000).default(5000),
      flushIntervalMs: z.number().int().min(50).max(60_000).default(1000),
      /** Rows held in memory before ingest answers 503. */
      maxBufferedRows: z.number().int().min(1).max(10_000_000).default(100_000),
      /** Where batches wait while the store fails; default <dataDir>/spool. */
      spoolDir: z.string().min(1).optional(),
      /** Disk the spool may use; rows in memory reserve their room in it, so ingest answers 503 before it could lose one (default 1 GiB). */
      spoolMaxBytes: z.number().int().min(0).default(1024 ** 3),
      /** Answer 202 only once the event is in the store or fsynced in the spool (per site: `durable`). */
      durable: z.boolean().default(false),
    })
    .prefault({}),
  retention: z
    .strictObject({
      /** Hard limit on the age of raw rows, 1 h to 10 days. */
      rawTtlHours: z.number().int().min(1).max(240).default(48),
      /** Minutes after a salt day ends before its salt is destroyed (at most 24 h). */
      saltGraceMinutes: z.number().int().min(0).max(1440).default(60),
      /** Minutes after a day ends before its final rollup closes it and its raw rows may go. */
      closeAfterMinutes: z.number().int().min(0).max(1440).default(30),
    })
    .prefault({}),
  aggregation: z
    .strictObject({
      /** Breakdown rows with fewer visitors are folded into "(other)" before storage. */
      minGroupSize: z.number().int().min(1).max(1000).default(5),
      /** Dimensions the dashboard filters by: their pairs with every dimension are stored. */
      filterDimensions: z.array(z.enum(VISIT_DIMENSION_NAMES)).default(['source', 'country', 'device', 'browser', 'os', 'utm_campaign', 'entry_page']),
      /** A visit with one pageview, no custom event and less engagement than this is a bounce. */
      bounceEngagementMs: z.number().int().min(0).max(600_000).default(10_000),
      /** How often the aggregator ticks; with the collector's flush, what sets dashboard freshness. */
      rollupIntervalMs: z.number().int().min(1000).max(3_600_000).default(30_000),
    })
    .prefault({}),
  server: z
    .strictObject({
      /** Database user the dashboard connects as, in every deployment (SELECT on aggregates and logs only). */
      dashboardUser: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/).default('qa_dashboard'),
      /** Cluster name: DDL becomes ON CLUSTER with Replicated tables. */
      cluster: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/).optional(),
    })
    .prefault({}),
  dashboard: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8789),
      /** Where earlier versions kept accounts: moved into the store once at start-up, then removed. Default: <dataDir>/dashboard-auth.json. */
      authFile: z.string().optional(),
      /** A session ends after this long without a request... */
      sessionHours: z.number().int().min(1).max(720).default(12),
      /** ...and this long after login, however active (the store keeps session rows 31 days at most). */
      sessionMaxHours: z.number().int().min(1).max(720).default(168),
      /** Failed logins allowed per client network in 15 minutes. */
      loginAttempts: z.number().int().min(1).max(1000).default(10),
      /** Keep stats answers until the aggregates change (never in cluster mode, whose parts are on other nodes). */
      resultCache: z.boolean().default(true),
      /** Server mode: the password of server.dashboardUser (the bundled store generates its own). */
      dbPassword: z.string().optional(),
    })
    .prefault({}),
  demo: z
    .strictObject({
      /** Port of the demo page `pnpm start` serves (0 picks a free one). */
      port: z.number().int().min(0).max(65535).default(8788),
    })
    .prefault({}),
  /** Bearer token for GET /metrics (Prometheus); unset disables the endpoint. */
  metricsToken: z.string().min(16, 'at least 16 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
})

export type Config = z.infer<typeof ConfigSchema>
export type ConfigInput = z.input<typeof ConfigSchema>
export type SiteInput = z.input<typeof SiteSchema>

/** A site with every default resolved. */
export type Goal = z.infer<typeof GoalSchema>

export interface Site {
  id: string
  domains: string[]
  timezone: string
  allowedOrigins: string[]
  goals: Goal[]
  funnels: Funnel[]
  minGroupSize?: number
  umamiWebsiteId?: string
  durable?: boolean
  events?: readonly string[]
}

export function resolveSite(input: SiteInput): Site {
  const site = SiteSchema.parse(input)
  const domains = site.domains
  const origins =
    site.allowedOrigins ??
    domains.flatMap((d) => [`https://${d}`, `http://${d}`, `https://www.${d}`, `http://www.${d}`])
  return {
    id: site.id ?? domains[0]!,
    domains,
    timezone: site.timezone,
    allowedOrigins: origins.map((o) => new URL(o).origin),
    goals: site.goals,
    funnels: site.funnels,
    ...(site.minGroupSize === undefined ? {} : { minGroupSize: site.minGroupSize }),
    ...(site.umamiWebsiteId === undefined ? {} : { umamiWebsiteId: site.umamiWebsiteId }),
    ...(site.durable === undefined ? {} : { durable: site.durable }),
    ...(site.events === undefined ? {} : { events: site.events }),
  }
}

/**
 * The minimum group size k of a site: its own `minGroupSize`, or the global one. Every
 * path that stores or shows a group (rollup, import, share links, inventory) asks here.
 */
export function minGroupSize(site: { minGroupSize?: number }, aggregation: { minGroupSize: number }): number {
  return site.minGroupSize ?? aggregation.minGroupSize
}
