import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, createStore, loadConfig, manualClock, migrate } from '@qa/core'
import { Aggregator } from '@qa/aggregator'
import { generateDay } from '../test/fixtures/traffic.ts'

const visitors = Number(process.argv[2] ?? 20000)
const dataDir = mkdtempSync(join(tmpdir(), 'qa-bench-'))
const config = loadConfig({}, { dataDir, sites: [{ id: 'test', domains: ['test.example'] }], logLevel: 'silent' })
const store = await createStore(config)
await migrate(store.client)
const dayStart = Date.parse('2026-11-20T00:00:00Z')
const t0 = performance.now()
const traffic = generateDay({ siteId: 'test', dayStartMs: dayStart, visitors, seed: 1 })
const gen = performance.now()
for (let i = 0; i < traffic.rows.length; i += 100000) await store.client.insert({ table: 'raw_hits', values: traffic.rows.slice(i, i + 100000), format: 'JSONEachRow' })
const ins = performance.now()
const agg = new Aggregator(config, store, createLogger('silent'), manualClock(dayStart + 23 * 3600_000))
await agg.rollup()
const roll = performance.now()
const q = async (s: string) => (await (await store.client.query({ query: s, format: 'JSONEachRow' })).json())
console.log({ rows: traffic.rows.length, genMs: gen - t0, insertMs: ins - gen, rollupMs: roll - ins, rowsPerS: traffic.rows.length / ((roll - ins) / 1000) })
console.log(await q("SELECT filter_dimension = '' AS plain, count() AS rows, countIf(value = '(other)') AS other FROM agg_breakdown_daily GROUP BY plain"))
await store.close()
