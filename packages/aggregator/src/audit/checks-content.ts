import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DASHBOARD_TABLES, isIpAddress, maskIpText } from '@quiet-analytics/core'
import ipaddr from 'ipaddr.js'
import { query, type AuditContext, type Check } from './audit-types.ts'
import { SYSTEM_DATABASES } from './checks-store.ts'

interface Column {
  database: string
  table: string
  name: string
  type: string
}

/**
 * Every column of every table the store holds, ours or not (the engine's own databases
 * aside): a copy of raw data in another database is as much a violation as one in ours.
 */
async function columns(ctx: AuditContext): Promise<Column[]> {
  return query<Column>(
    ctx.client,
    `SELECT database, table, name, type FROM system.columns
     WHERE database NOT IN {system:Array(String)}
       AND (database, table) IN (SELECT database, name FROM system.tables WHERE engine NOT IN ('View', 'MaterializedView', 'Dictionary'))`,
    { system: SYSTEM_DATABASES },
  )
}

const where = (c: Column) => `${c.database}.${c.table}.${c.name}`

const isText = (type: string) => /String|Map\(|Array\(/.test(type)
const isInteger = (type: string) => /^(LowCardinality\()?(U?Int(32|64|128))\)?$/.test(type)

/** A column as text, whatever its type: map values and array items joined. */
function asText(c: Column): string {
  const id = `\`${c.name}\``
  if (c.type.startsWith('Map(')) return `arrayStringConcat(arrayMap(x -> toString(x), arrayConcat(mapKeys(${id}), mapValues(${id}))), ' ')`
  if (c.type.startsWith('Array(')) return `arrayStringConcat(arrayMap(x -> toString(x), ${id}), ' ')`
  return `toString(${id})`
}

// Dotted (zero-padded or not, a trailing dot allowed) and dashed quads; hex and 32-bit integer tokens.
const OCTET = '(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])'
const IPV4_IN_TEXT = String.raw`(^|[^0-9.])${OCTET}(\.${OCTET}){3}([^0-9]|\.[^0-9]|\.?$)`
const IPV4_DASHED = String.raw`(^|[^0-9])${OCTET}(-${OCTET}){3}([^0-9-]|$)`
const IPV4_NUMERIC = String.raw`(^|[^0-9A-Za-z.])(0x[0-9A-Fa-f]{8}|[0-9]{8,10})([^0-9A-Za-z]|$)`
/**
 * Text columns where long numbers are expected: an hourly partition id is ten digits, a
 * lease holder is a UUID (whose groups can be all digits), a report counts rows.
 */
const NUMERIC_BY_DESIGN = new Set(['purge_log.partition_id', 'leases.holder', 'audit_log.report'])
const UA_IN_TEXT = String.raw`Mozilla/[0-9]\.[0-9]|AppleWebKit/[0-9]|Gecko/[0-9]{4}|Chrome/[0-9]+\.[0-9]+\.[0-9]+|\(Windows NT [0-9]|\(Macintosh;|\(X11;|\(iPhone;|Dalvik/`

/**
 * How many rows of each column match its condition: one scan per table, every column's
 * condition counted in it (a table is read once, not once per column).
 */
async function countMatches(ctx: AuditContext, conditions: { column: Column; predicate: string }[], params: Record<string, unknown> = {}): Promise<Map<Column, number>> {
  const byTable = new Map<string, { column: Column; predicate: string }[]>()
  for (const c of conditions) {
    const key = `\`${c.column.database}\`.\`${c.column.table}\``
    byTable.set(key, [...(byTable.get(key) ?? []), c])
  }
  const counts = new Map<Column, number>()
  for (const [table, cs] of byTable) {
    const [r] = await query<Record<string, string>>(ctx.client, `SELECT ${cs.map((c, i) => `countIf(${c.predicate}) AS c${i}`).join(', ')} FROM ${table}`, params)
    cs.forEach((c, i) => counts.set(c.column, Number(r?.[`c${i}`] ?? 0)))
  }
  return counts
}

/** The text columns in which some row matches: `predicate` gives each column's SQL condition. */
async function textColumnsMatching(ctx: AuditContext, cols: Column[], predicate: (text: string, c: Column) => string, params: Record<string, unknown>, what: string): Promise<string[]> {
  const counts = await countMatches(ctx, cols.filter((col) => isText(col.type)).map((c) => ({ column: c, predicate: predicate(asText(c), c) })), params)
  return [...counts].filter(([, n]) => n > 0).map(([c, n]) => `${where(c)}: ${n} rows with ${what}`)
}

const searched = (cols: Column[]) => `${cols.filter((c) => isText(c.type)).length} text columns searched`

export const ipValuesCheck: Check = {
  id: 'no_ip_values',
  title: 'no IP address in any stored column',
  async run(ctx) {
    const cols = await columns(ctx)
    const found: string[] = []
    const typed = cols.filter((c) => /IPv4|IPv6/.test(c.type))
    found.push(...typed.map((c) => `${where(c)} has type ${c.type}`))
    found.push(
      ...(await textColumnsMatching(
        ctx,
        cols,
        (text, c) =>
          `match(${text}, {re:String}) OR match(${text}, {dashed:String})${NUMERIC_BY_DESIGN.has(`${c.table}.${c.name}`) ? '' : ` OR match(${text}, {num:String})`}` +
          ` OR arrayExists(t -> isIPv6String(t), extractAll(${text}, '[0-9A-Fa-f:.]{7,45}'))`,
        { re: IPV4_IN_TEXT, dashed: IPV4_DASHED, num: IPV4_NUMERIC },
        'an IP-shaped value',
      )),
    )
    for (const ip of ctx.probeIps) found.push(...(await probe(ctx, cols, ip)))
    const probes = ctx.probeIps.length > 0 ? `, probes: ${ctx.probeIps.length} address(es) in text and numeric forms` : ''
    return found.length === 0
      ? { status: 'pass', detail: `${cols.length} columns of every table searched through the engine${probes}` }
      : { status: 'fail', detail: found.join('; ') }
  },
}

/** A known address in text form (full and as stored by mistake) and as an integer. */
async function probe(ctx: AuditContext, cols: Column[], ip: string): Promise<string[]> {
  // The report is stored in audit_log, which is searched too: it never quotes the probe.
  if (!isIpAddress(ip)) return ['a probe is not an IP address']
  const addr = ipaddr.process(ip)
  const text = addr.toString()
  const numeric = BigInt(`0x${Buffer.from(addr.toByteArray()).toString('hex')}`).toString()
  const conditions = cols.flatMap((c) =>
    isText(c.type)
      ? [{ column: c, predicate: `position(${asText(c)}, {ip:String}) > 0 OR position(${asText(c)}, {num:String}) > 0` }]
      : isInteger(c.type)
        ? [{ column: c, predicate: `toString(\`${c.name}\`) = {num:String}` }]
        : [],
  )
  const counts = await countMatches(ctx, conditions, { ip: text, num: numeric })
  return [...counts].filter(([, n]) => n > 0).map(([c, n]) => `${where(c)}: probe address found in ${n} rows`)
}

export const userAgentCheck: Check = {
  id: 'no_user_agents',
  title: 'no user-agent string in any stored column',
  async run(ctx) {
    const cols = await columns(ctx)
    const found = await textColumnsMatching(ctx, cols, (text) => `match(${text}, {re:String})`, { re: UA_IN_TEXT }, 'a user-agent-shaped value')
    return found.length === 0 ? { status: 'pass', detail: searched(cols) } : { status: 'fail', detail: found.join('; ') }
  },
}

const EMAIL_IN_TEXT = String.raw`[^\s@/?#&=:;,<>()"']+@[^\s@/?#&=:;,<>()"']+\.[A-Za-z]{2,}`
const TOKEN_IN_TEXT = String.raw`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.|[0-9A-Fa-f]{32,}`
/** Columns that hold random tokens by design: a salt is 32 random bytes in hex; accounts keep hashes of their secrets. */
const TOKENS_BY_DESIGN = new Set(['salts.salt', 'auth_users.password_hash', 'auth_sessions.id_hash', 'auth_api_keys.key_hash', 'auth_share_links.token_hash'])

export const emailTokenCheck: Check = {
  id: 'no_emails_or_tokens',
  title: 'no e-mail address or secret-looking token in any stored column',
  async run(ctx) {
    const cols = await columns(ctx)
    const found = await textColumnsMatching(
      ctx,
      cols,
      (text, c) => `match(${text}, {email:String})${TOKENS_BY_DESIGN.has(`${c.table}.${c.name}`) ? '' : ` OR match(${text}, {token:String})`}`,
      { email: EMAIL_IN_TEXT, token: TOKEN_IN_TEXT },
      'an e-mail- or token-shaped value',
    )
    return found.length === 0 ? { status: 'pass', detail: searched(cols) } : { status: 'fail', detail: found.join('; ') }
  },
}

const IDENTIFIER_NAMES = /(^|_)(visitor_id|visitor_no|visit_no|session|session_id|user_id|ip|ip_address|user_agent|ua|salt|fingerprint|hash)($|_)/i

export const aggregateSchemaCheck: Check = {
  id: 'aggregate_schemas',
  title: 'aggregate tables hold no identifier columns and no per-visitor sketches',
  async run(ctx) {
    const cols = await query<Column>(ctx.client, 'SELECT table, name, type FROM system.columns WHERE database = currentDatabase() AND table IN {tables:Array(String)}', {
      tables: DASHBOARD_TABLES.filter((t) => t.startsWith('agg_')),
    })
    const bad = cols
      .filter((c) => IDENTIFIER_NAMES.test(c.name) || /AggregateFunction/.test(c.type))
      .map((c) => `${c.table}.${c.name} (${c.type})`)
    return bad.length === 0 ? { status: 'pass', detail: `${cols.length} columns, all counts, sums and dimension values` } : { status: 'fail', detail: `identifier-like columns: ${bad.join(', ')}` }
  },
}

/**
 * The files that are not ClickHouse's: the collector's spool holds batches while the
 * store fails. They must hold the same minimal rows: no address, no user-agent.
 */
export const spoolFilesCheck: Check = {
  id: 'spool_files',
  title: 'spool files hold no IP address or user-agent',
  async run({ config }) {
    const dir = config.collector.spoolDir ?? join(config.dataDir, 'spool')
    let files: string[]
    try {
      // One directory per collector process, and files the earlier layout left at the top.
      files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile())
    } catch {
      return { status: 'pass', detail: `no spool directory (${dir})` }
    }
    const ua = new RegExp(UA_IN_TEXT)
    const bad = files.filter((f) => {
      const text = readFileSync(join(dir, f), 'utf8')
      return maskIpText(text) !== text || ua.test(text)
    })
    return bad.length === 0 ? { status: 'pass', detail: `${files.length} spool files byte-searched` } : { status: 'fail', detail: `personal data in spool files: ${bad.join(', ')}` }
  },
}
