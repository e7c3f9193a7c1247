import { minGroupSize, resolveSite, type Config } from '../config/schema.ts'
import { RAW_STORE_COLUMNS, RawHitSchema } from '../event/raw-hit.ts'

/**
 * The data inventory, generated from the live configuration: each stored field, why
 * it is kept, where and for how long. Markdown that a privacy notice can quote.
 */
export function dataInventory(config: Config): string {
  const c = config.collector
  const r = config.retention
  const sites = config.sites.map(resolveSite)
  const ks = [...new Set(sites.map((s) => minGroupSize(s, config.aggregation)))]
  const groups = ks.length === 0 ? `${config.aggregation.minGroupSize}` : ks.length === 1 ? `${ks[0]}` : `the site's minimum group size (${ks.join(' or ')})`
  const rawRetention = `until its day's final rollup, and never longer than ${r.rawTtlHours} hours`
  const rawRows = [...Object.entries(RawHitSchema.shape).map(([name, schema]) => [name, schema.description ?? ''] as const), ...Object.entries(RAW_STORE_COLUMNS)].map(([name, why]) => `| \`${name}\` | ${why} | raw_hits | ${rawRetention} |`)
  return [
    '# Data inventory',
    '',
    'Generated from the running configuration.',
    '',
    '## What we collect and how',
    '',
    `- IP addresses are never stored. Each is truncated to its first ${c.ipv4PrefixBits} bits (IPv4) or ${c.ipv6PrefixBits} bits (IPv6) on arrival; the full address is used only inside the request to compute the daily visitor hash, and the truncated one to look up the country.`,
    '- User-agent strings are never stored: only the browser, operating system (major.minor versions) and device class parsed from them.',
    '- Referrers are reduced to the referring host name; page URLs lose their query string (except campaign tags' + (c.queryAllowlist.length ? ` and ${c.queryAllowlist.map((q) => `\`${q}\``).join(', ')}` : '') + ').',
    `- Visitors are identified only by a salted hash that changes every day; the salt is random, never derived from a lasting secret, and destroyed ${r.saltGraceMinutes} minutes after its day ends, after which no hash can be linked to a person or to another day.`,
    `- ${c.honourDnt ? 'Browsers sending Do Not Track or Global Privacy Control are not tracked at all; only a count of such requests is kept.' : 'Do Not Track and Global Privacy Control are not honoured (HONOUR_DNT=false).'}`,
    '- No cookies are set and nothing identifying is stored in the browser.',
    '',
    '## Stored fields',
    '',
    '| Field | Why | Where | How long |',
    '|---|---|---|---|',
    ...rawRows,
    `| salt | 32 random bytes per site and day, keys the visitor hash | salts | until ${r.saltGraceMinutes} minutes after its day ends |`,
    `| counts and sums by time and dimension | the statistics shown on the dashboard: visitors per day, visits, pageviews, bounces, durations, events | agg_* tables | kept; anonymous (values and event names seen by fewer than ${groups} visitors on a day are merged into "(other)") |`,
    `| funnel step counts | per site, day and funnel: visits that reached each step, and how many took each time bucket from the step before; no visit's sequence is kept | agg_funnels_daily | kept; a step reached by fewer than ${groups} visits over a range is withheld on the dashboard |`,
    '| funnel definitions | funnels defined in the dashboard: site, name, steps, the admin who defined them | funnel_defs | until removed |',
    '| refused-event counts | how many events were dropped as bots, for DNT/GPC or rate limits, per site and minute | ingest_drops | kept; counts only |',
    '| rollup, purge, salt and audit logs | prove that the rules above are applied | rollup_log, purge_log, salt_log, audit_log | kept; no personal data |',
    `| spooled batches | raw rows (the same fields as above) the store could not take yet | ${c.spoolDir ?? `${config.dataDir}/spool`} | until replayed into raw_hits |`,
    ...(config.clickhouse.url ? [] : [`| store credentials | the store users' password hashes and one password file per store user | ${config.dataDir}/engine | as long as the store |`]),
    '| dashboard accounts | user names and roles, scrypt hashes of passwords, SHA-256 hashes of session ids, API keys and share-link tokens, never the secrets themselves; no address or user-agent of whoever logs in | auth_users, auth_sessions, auth_api_keys, auth_share_links | accounts, keys and links until removed or revoked (a removed user stays as a name without a password hash, so their keys stay dead); sessions at most 31 days (TTL on the store clock) |',
    '',
    '## Sites',
    '',
    '| Site | Domains | Time zone (its days and salts) | Minimum group size | Custom events |',
    '|---|---|---|---|---|',
    ...sites.map((s) => `| ${s.id} | ${s.domains.join(', ')} | ${s.timezone} | ${minGroupSize(s, config.aggregation)} | ${s.events ? s.events.join(', ') || 'none' : 'any name (names under the minimum group size fold into "(other)")'} |`),
    '',
    '## Quotable statements',
    '',
    `- "The time of each page view, the page, the referring site, campaign tags, browser, operating system and device class, country, language and a visitor identifier that changes daily, collected for access statistics, are automatically deleted after at most ${r.rawTtlHours} hours. Network addresses and browser identification strings are never stored."`,
    '- "Analytics are kept only in aggregate, anonymous form that cannot be re-identified."',
    '- "Unique visitors are counted per day with a daily-changing identifier; a person visiting on two days is counted twice."',
    '',
  ].join('\n')
}
