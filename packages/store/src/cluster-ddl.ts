/**
 * Cluster variants of the migration statements, generated from the same files:
 * every table becomes ON CLUSTER and Replicated. raw_hits (the only large table) is
 * sharded: a Replicated `raw_hits_local` on each shard and a Distributed `raw_hits`
 * over it, sharded by visitor so a visitor's hits stay on one shard. Every other table
 * is small and fully replicated on every node under its own name, so the aggregator's
 * REPLACE PARTITION and the dashboard's reads work unchanged.
 */
export const SHARDED_TABLES: Record<string, string> = { raw_hits: 'sipHash64(site_id, visitor_id)' }

const CREATE = /^CREATE TABLE IF NOT EXISTS (\w+)\s*(\([\s\S]*)$/
const CREATE_AS = /^CREATE TABLE IF NOT EXISTS (\w+) AS (\w+)$/
const ENGINE = /ENGINE = (\w*MergeTree)(?:\(([^)]*)\))?/
const ALTER = /^ALTER TABLE (\w+) ([\s\S]*)$/
const DROP = /^DROP TABLE IF EXISTS (\w+)$/

export function localName(table: string): string {
  return SHARDED_TABLES[table] ? `${table}_local` : table
}

/** The table an ALTER that touches partitions or TTL must name, with ON CLUSTER when clustered. */
export function alterTarget(table: string, cluster: string | undefined): string {
  return cluster ? `${localName(table)} ON CLUSTER ${cluster}` : table
}

/**
 * With `perNode`, the same sharding without Keeper: plain MergeTree tables and the
 * Distributed raw_hits, applied to each node by hand (no ON CLUSTER, nothing
 * replicated). That is what several local store processes can run, and test.
 */
export function clusterDdl(statements: readonly string[], cluster: string, opts: { perNode?: boolean } = {}): string[] {
  const on = opts.perNode ? '' : ` ON CLUSTER ${cluster}`
  const bodies = new Map<string, string>()
  const out: string[] = []
  for (const statement of statements) {
    const alter = ALTER.exec(statement)
    if (alter) {
      out.push(`ALTER TABLE ${localName(alter[1]!)}${on} ${alter[2]}`)
      // A sharded table's Distributed front must show a new column too.
      if (SHARDED_TABLES[alter[1]!] && /^ADD COLUMN/.test(alter[2]!)) out.push(`ALTER TABLE ${alter[1]}${on} ${alter[2]}`)
      continue
    }
    const drop = DROP.exec(statement)
    if (drop) {
      // SYNC: a replicated table's Keeper path must be gone before it is created again.
      const names = SHARDED_TABLES[drop[1]!] ? [drop[1]!, localName(drop[1]!)] : [drop[1]!]
      for (const name of names) out.push(`DROP TABLE IF EXISTS ${name}${on} SYNC`)
      continue
    }
    const as = CREATE_AS.exec(statement)
    const create = as ? undefined : CREATE.exec(statement)
    if (!as && !create) {
      out.push(statement)
      continue
    }
    const [name, body] = as ? [as[1]!, bodies.get(as[2]!)] : [create![1]!, create![2]!]
    if (body === undefined) throw new Error(`cluster DDL: ${name} copies a table not created in these migrations`)
    bodies.set(name, body)
    const sharded = SHARDED_TABLES[name]
    const local = sharded ? `${name}_local` : name
    const path = sharded ? `/clickhouse/tables/{shard}/{database}/${local}` : `/clickhouse/tables/all/{database}/${local}`
    const replicated = opts.perNode
      ? body
      : body.replace(ENGINE, (_m, engine: string, args: string | undefined) => {
          const extra = args?.trim() ? `, ${args.trim()}` : ''
          return `ENGINE = Replicated${engine}('${path}', '{replica}'${extra})`
        })
    out.push(`CREATE TABLE IF NOT EXISTS ${local}${on} ${replicated}`)
    if (sharded) out.push(`CREATE TABLE IF NOT EXISTS ${name}${on} AS ${local} ENGINE = Distributed(${cluster}, currentDatabase(), ${local}, ${sharded})`)
  }
  return out
}
