import { parseArgs } from 'node:util'
import { SingleBar } from 'cli-progress'
import { createLogger, eachDay, systemClock, type Config } from '@quiet-analytics/core'
import { migrate, SaltStore } from '@quiet-analytics/store'
import { AGGREGATOR_CONNECTION, Aggregator, OPEN_DAY_BACKOFF, type RollupDecision, type WaitOptions } from '@quiet-analytics/aggregator'
import { withStore } from '../store-access.ts'
import { PROGRAM } from '../usage.ts'

const out = (line: string) => process.stdout.write(`${line}\n`)

/** Beside a running aggregator, a command waits for its tick to end, and says so once. */
function waitNotice(): WaitOptions {
  let said = false
  return {
    onWait: (h) => {
      if (!said) process.stderr.write(`waiting for the aggregator running on ${h.host} (pid ${h.pid}) to finish its tick\n`)
      said = true
    },
  }
}


export async function migrateCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } } })
  return withStore(
    config,
    async (store) => {
      const r = await migrate(store.client, { dryRun: values['dry-run'] ?? false, ...(config.server.cluster ? { cluster: config.server.cluster } : {}) })
      out(values['dry-run'] ? `pending: ${r.pending.join(', ') || 'none'}` : `applied: ${r.applied.join(', ') || 'none'}`)
      return 0
    },
    { migrate: false },
  )
}

/** qa rollup [--day D]... [--from D --to D] [--force] */
export async function rollupCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { day: { type: 'string', multiple: true }, from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' } } })
  const day = /^\d{4}-\d{2}-\d{2}$/
  const given = [...(values.day ?? []), values.from, values.to].filter((d): d is string => d !== undefined)
  if (given.some((d) => !day.test(d)) || (values.from === undefined) !== (values.to === undefined)) {
    process.stderr.write(`usage: ${PROGRAM} rollup [--day YYYY-MM-DD]... [--from YYYY-MM-DD --to YYYY-MM-DD] [--force]\n`)
    return 2
  }
  const days = values.from && values.to ? new Set(eachDay(values.from, values.to)) : values.day ? new Set(values.day) : undefined
  return withStore(config, async (store) => {
    const aggregator = new Aggregator(config, store, createLogger(config.logLevel === 'debug' ? 'debug' : 'warn', process.stderr))
    const bar = new SingleBar({ format: 'rollup [{bar}] {value}/{total} days  {day}', stream: process.stderr, hideCursor: true })
    let started = false
    const done = await aggregator.rollup({
      ...(days ? { days } : {}),
      force: values.force ?? false,
      onProgress: (n, total, d) => {
        if (!started) bar.start(total, 0, { day: d })
        started = true
        bar.update(n, { day: d })
      },
    }, waitNotice())
    if (started) bar.stop()
    if (done.length > 0) out(done.map((d) => `${d.day}: ${d.sites.join(', ')}${d.closed.length ? ` (closed: ${d.closed.join(', ')})` : ''}`).join('\n'))
    else out(whyNothingToRollUp(await aggregator.rollupDecisions({ ...(days ? { days } : {}), force: values.force ?? false }), days !== undefined))
    return 0
  }, AGGREGATOR_CONNECTION)
}

const utcMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** "Nothing to roll up", with the reason for each kind of site-day left as it is, and what to do about it. */
export function whyNothingToRollUp(decisions: readonly RollupDecision[], someDays: boolean): string {
  if (decisions.length === 0) {
    return someDays
      ? 'nothing to roll up: no raw hits for these days (raw hits are purged after their day is closed, and after RAW_TTL_HOURS at the latest)'
      : 'nothing to roll up: no raw hits in the store (no event has arrived yet, or every day was closed and purged)'
  }
  const count = (why: string) => decisions.filter((d) => !d.due && d.why === why)
  const latest = (ds: readonly RollupDecision[]) => utcMinute(Math.max(...ds.map((d) => (d.due ? 0 : d.lastAt))))
  const unchanged = count('unchanged')
  const backoff = count('backoff')
  const closed = count('closed')
  const n = (k: number) => `${k} site-day${k === 1 ? '' : 's'}`
  const lines = ['nothing to roll up:']
  if (unchanged.length) lines.push(`  ${n(unchanged.length)} already rolled up, with no raw hit since (last rollup ${latest(unchanged)})`)
  if (backoff.length) lines.push(`  ${n(backoff.length)} rolled up at ${latest(backoff)}: a big open day waits ${OPEN_DAY_BACKOFF} times its last rollup's duration`)
  if (closed.length) lines.push(`  ${n(closed.length)} closed: rolled up for the last time; hits arriving for a closed day are late (counted at purge, never aggregated)`)
  if (unchanged.length + backoff.length > 0) lines.push(`run ${PROGRAM} rollup --force to recompute the open days anyway`)
  return lines.join('\n')
}

/** qa purge [--dry-run] */
export async function purgeCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } } })
  return withStore(config, async (store) => {
    const purged = await new Aggregator(config, store, createLogger('warn')).purge(values['dry-run'] ?? false, waitNotice())
    const verb = values['dry-run'] ? 'would drop' : 'dropped'
    for (const p of purged) {
      if (p.reason === 'detached') out(`${verb} detached raw part ${p.partitionId}`)
      else out(`${verb} raw partition ${p.partitionId}: ${p.rows} rows (${p.reason}${p.neverRolledRows ? `, ${p.neverRolledRows} never rolled up` : ''})`)
    }
    if (purged.length === 0) out('nothing to purge')
    return 0
  }, AGGREGATOR_CONNECTION)
}

/** qa salts: creates due salts, destroys expired ones, lists the salt days alive. */
export async function saltsCommand(config: Config): Promise<number> {
  return withStore(config, async (store) => {
    const changes = await new Aggregator(config, store, createLogger('warn')).maintainSalts(waitNotice())
    for (const c of changes.created) out(`created  ${c.siteId} ${c.day}`)
    for (const d of changes.destroyed) out(`destroyed ${d.siteId} ${d.day}`)
    for (const s of await new SaltStore(store.client, systemClock.now).days()) out(`alive    ${s.siteId} ${s.day}`)
    return 0
  }, AGGREGATOR_CONNECTION)
}
