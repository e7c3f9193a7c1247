import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { strToU8, zipSync } from 'fflate'
import { enginePaths, type Store } from '@quiet-analytics/store'
import { spawnQa, startQaStore, stopProcess, withDataDir } from '../../../test/support/cli-process.ts'
import { generateDay } from '../../../test/fixtures/traffic.ts'
import { aggregateSnapshot } from '../../../test/support/snapshot.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'qa-cli-'))
// Yesterday's day stays open all of today (closed 1440 minutes after it ends): the rollups
// below have a whole open day to recompute at whatever hour the suite runs.
const env = { DATA_DIR: dataDir, SITES: 'test.example', LOG_LEVEL: 'silent', MIN_GROUP_SIZE: '1', CLOSE_AFTER_MINUTES: '1440' }
const H = 3600_000

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs qa; with killAfterMs, SIGKILLs it that long after it logs that a rollup started. */
function qa(args: string[], opts: { killAfterMs?: number; debug?: boolean } = {}): Promise<Run> {
  const extra = opts.killAfterMs === undefined && !opts.debug ? {} : { LOG_LEVEL: 'debug' }
  const child = spawnQa(args, { ...env, ...extra })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString()
    if (opts.killAfterMs !== undefined && stderr.includes('rollup started')) {
      setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs)
      opts.killAfterMs = undefined
    }
  })
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })))
}

/** The live store, as every qa command reaches it. */
const withStore = <T>(work: (s: Store) => Promise<T>) => withDataDir(dataDir, work)
let storeProc: ChildProcess

// Every command below runs beside this running store, as an operator's beside `pnpm start`.
beforeAll(async () => {
  storeProc = (await startQaStore(dataDir)).proc
  await withStore(async (store) => {
    const now = Date.now()
    const yesterday = Math.floor(now / (24 * H)) * 24 * H - 24 * H
    const traffic = generateDay({ siteId: 'test.example', dayStartMs: yesterday, visitors: 4000, seed: 5 })
    await store.client.insert({ table: 'raw_hits', values: traffic.rows.filter((r) => r.ts < now - 60_000), format: 'JSONEachRow' })
  })
}, 60_000)
afterAll(async () => {
  if (storeProc.exitCode === null) await stopProcess(storeProc)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('qa CLI', () => {
  let reference = ''
  let rollupMs = 0

  it('rolls up with a progress bar and exit 0', async () => {
    const r = await qa(['rollup'], { debug: true })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^\d{4}-\d{2}-\d{2}: test\.example/m)
    rollupMs = Math.max(...[...r.stderr.matchAll(/"ms":(\d+)/g)].map((m) => Number(m[1])))
    reference = await withStore(aggregateSnapshot)
    expect(reference).toContain('agg_totals_daily')
    const again = await qa(['rollup'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^nothing to roll up:\n {2}\d+ site-days? (already rolled up, with no raw hit since|closed)/)
    expect(again.stdout).toMatch(/qa rollup --force|closed: rolled up for the last time/)
  })

  it('ends with identical aggregates after being killed in the middle of a rollup and restarted', async () => {
    // Early, middle and late in the rollup's own measured duration.
    for (const killAfterMs of [0.05, 0.3, 0.55].map((f) => Math.round(f * rollupMs))) {
      const killed = await qa(['rollup', '--force'], { killAfterMs })
      expect(killed.signal, `rollup finished within ${killAfterMs} ms: ${killed.stderr}`).toBe('SIGKILL')
      expect(killed.stderr).not.toContain('rollup finished')
      const again = await qa(['rollup', '--force'])
      expect(again.code, again.stderr).toBe(0)
      expect(await withStore(aggregateSnapshot), `killed after ${killAfterMs} ms`).toBe(reference)
      expect(await withStore(async (s) => (await (await s.client.query({ query: 'SELECT count() AS n FROM rollup_work', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n)).toBe('0')
    }
  })

  it('audits: human report with exit 0, JSON with the same verdict', async () => {
    const human = await qa(['audit'])
    expect(human.code, human.stdout + human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^Privacy audit .*: PASS/)
    const json = await qa(['audit', '--json'])
    const report = JSON.parse(json.stdout) as { passed: boolean; checks: { id: string }[] }
    expect(report.passed).toBe(true)
    expect(report.checks.map((c) => c.id)).toContain('no_ip_values')
  })

  it('exits 1 naming the failed check when the audit finds a violation', async () => {
    await withStore((s) => s.client.insert({ table: 'salts', values: [{ site_id: 'test.example', day: '2020-01-01', salt: 'cd'.repeat(32), created_at: 0 }], format: 'JSONEachRow' }))
    const r = await qa(['audit'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('audit failed: salts')
    const salts = await qa(['salts'])
    expect(salts.stdout).toContain('destroyed test.example 2020-01-01')
    expect((await qa(['audit'])).code).toBe(0)
  })

  it('imports a Plausible export, in a dry run first', async () => {
    const zip = join(dataDir, 'export.zip')
    writeFileSync(zip, zipSync({ 'imported_visitors_20250101_20250131.csv': strToU8('date,visitors,pageviews,bounces,visits,visit_duration\n2025-01-30,10,25,4,12,600\n') }))
    const dry = await qa(['import', 'plausible', zip, '--site', 'test.example', '--dry-run'])
    expect(dry.stdout).toContain('would import 1 days (2025-01-30 to 2025-01-30): 1 daily totals')
    expect(await withStore(async (s) => (await (await s.client.query({ query: "SELECT count() AS n FROM agg_totals_daily WHERE day = '2025-01-30'", format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n)).toBe('0')
    const real = await qa(['import', 'plausible', zip, '--site', 'test.example'])
    expect(real.code, real.stderr).toBe(0)
    expect(await withStore(async (s) => (await (await s.client.query({ query: "SELECT visitors FROM agg_totals_daily WHERE day = '2025-01-30'", format: 'JSONEachRow' })).json<{ visitors: string }>())[0]!.visitors)).toBe('10')
    expect((await qa(['import', 'plausible', zip, '--site', 'nope'])).code).toBe(2)
  })

  it('purges in a dry run without dropping, prints the inventory, and refuses bad usage with exit 2', async () => {
    const rawRows = () => withStore(async (s) => (await (await s.client.query({ query: 'SELECT count() AS n FROM raw_hits', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n)
    // A hit three days old is past the raw TTL (48 h): its partition is due.
    const old = generateDay({ siteId: 'test.example', dayStartMs: Date.now() - 72 * H, visitors: 1, seed: 9 }).rows.slice(0, 1)
    await withStore((s) => s.client.insert({ table: 'raw_hits', values: old, format: 'JSONEachRow' }))
    const before = await rawRows()
    const dry = await qa(['purge', '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/would drop raw partition \S+: \d+ rows \(ttl/)
    expect(await rawRows()).toBe(before)
    const inventory = await qa(['inventory'])
    expect(inventory.stdout).toContain('| `visitor_id` |')
    expect((await qa(['rollup', '--day', 'yesterday'])).code).toBe(2)
    expect((await qa(['audit', '--probe-ip', 'not-an-ip'])).code).toBe(2)
    expect((await qa(['frobnicate'])).code).toBe(2)
    expect((await qa(['audit', '--bogus'])).code).toBe(2)
  })

  it('manages dashboard users in the store: add, list, reset, remove, and keeps one admin', async () => {
    const add = await qa(['user', 'add', 'carol', '--role', 'admin'])
    expect(add.code, add.stderr).toBe(0)
    const first = /one-time password (\S+)/.exec(add.stdout)![1]!
    const again = await qa(['user', 'add', 'carol'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/carol exists: qa user reset carol/)
    expect((await qa(['user', 'list'])).stdout).toMatch(/^carol\tadmin\t\(one-time password not yet changed\)$/m)
    const last = await qa(['user', 'reset', 'carol', '--role', 'viewer'])
    expect(last.code).toBe(1)
    expect(last.stderr).toMatch(/last admin/)
    expect((await qa(['user', 'add', 'dave', '--role', 'admin'])).code).toBe(0)
    const reset = await qa(['user', 'reset', 'carol', '--role', 'viewer'])
    expect(reset.code, reset.stderr).toBe(0)
    expect(reset.stdout).toMatch(/^carol \(viewer\): one-time password (\S+).*sessions ended/)
    expect(/one-time password (\S+)/.exec(reset.stdout)![1]).not.toBe(first)
    expect((await qa(['user', 'remove', 'carol'])).code).toBe(0)
    expect((await qa(['user', 'remove', 'carol'])).code).toBe(1)
    expect((await qa(['user', 'remove', 'dave'])).stderr).toMatch(/dave is the last admin/)
    expect((await qa(['user', 'list'])).stdout).toBe('dave\tadmin\t(one-time password not yet changed)\n')
    for (const bad of [['user', 'add', 'Not Valid'], ['user', 'remove', 'dave', '--role', 'admin']]) expect((await qa(bad)).code, bad.join(' ')).toBe(2)
  })

  it('refuses a second store on the same data directory in one line', async () => {
    const second = await qa(['store'])
    expect(second.code).toBe(1)
    expect(second.stderr.trim()).toMatch(/^a store is already running on .+ \(pid \d+, http:\/\/127\.0\.0\.1:\d+\)$/)
  })

  it('without a running store, starts one for the command and stops it after', async () => {
    expect(await stopProcess(storeProc)).toBe(0)
    expect(existsSync(enginePaths(dataDir).endpoint)).toBe(false)
    const salts = await qa(['salts'])
    expect(salts.code, salts.stderr).toBe(0)
    expect(salts.stdout).toMatch(/^alive {4}test\.example \d{4}-\d{2}-\d{2}$/m)
    expect(existsSync(enginePaths(dataDir).endpoint)).toBe(false)
  })
})
