import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, createLogger, DIMENSION_NAMES, DIMENSIONS, loadConfig, manualClock, VISIT_DIMENSION_NAMES, type DimensionDef } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { generateDay } from '../fixtures/traffic.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'
import { rows, tempStore, testConfig } from '../support/temp-store.ts'

const DAY = '2026-11-20'
let store: Awaited<ReturnType<typeof tempStore>>
let dash: TestDashboard

beforeAll(async () => {
  const config = testConfig({ aggregation: { minGroupSize: 1, filterDimensions: VISIT_DIMENSION_NAMES } })
  store = await tempStore(config)
  await store.client.insert({ table: 'raw_hits', values: generateDay({ siteId: 'test', dayStartMs: Date.parse(`${DAY}T00:00:00Z`), visitors: 40, seed: 8 }).rows, format: 'JSONEachRow' })
  await new Aggregator(config, store, createLogger('silent'), manualClock(Date.parse('2026-11-21T10:00:00Z'))).rollup()
  dash = await startTestDashboard(config, store, Date.parse(`${DAY}T12:00:00Z`))
}, 60_000)
afterAll(async () => {
  await dash?.stop()
  await store?.destroy()
})

describe('one vocabulary, read by every consumer', () => {
  it('is rolled up: every dimension is stored, plain and under every filter dimension', async () => {
    const stored = await rows<{ dimension: string; filters: string[] }>(store, 'SELECT dimension, groupUniqArray(filter_dimension) AS filters FROM agg_breakdown_daily GROUP BY dimension')
    expect(stored.map((r) => r.dimension).sort()).toEqual([...DIMENSION_NAMES].sort())
    for (const r of stored) expect(r.filters.sort(), r.dimension).toEqual(['', ...VISIT_DIMENSION_NAMES.filter((f) => f !== r.dimension)].sort())
  })

  it('is answered by the stats API, and filterable by every visit dimension', async () => {
    const admin = await dash.login('admin', await dash.user('admin', 'admin'))
    for (const name of DIMENSION_NAMES) {
      const res = await admin.get(`/api/stats/breakdown/${name}?site=test&period=custom&from=${DAY}&to=${DAY}`)
      expect(res.status, name).toBe(200)
      expect(((await res.json()) as unknown[]).length, name).toBeGreaterThan(0)
    }
    for (const f of VISIT_DIMENSION_NAMES) {
      const [top] = (await (await admin.get(`/api/stats/breakdown/${f}?site=test&period=custom&from=${DAY}&to=${DAY}`)).json()) as { value: string; visitors: number }[]
      const filtered = await admin.get(`/api/stats/breakdown/page?site=test&period=custom&from=${DAY}&to=${DAY}&filter=${f}:${encodeURIComponent(top!.value)}`)
      expect(filtered.status, f).toBe(200)
      const pages = (await filtered.json()) as { visitors: number }[]
      expect(Math.max(...pages.map((p) => p.visitors)), f).toBeLessThanOrEqual(top!.visitors)
    }
  })

  it('is drawn by the UI: every panel dimension is a tab', async () => {
    const page = await (await fetch(`${dash.url}/`)).text()
    const json = /<script type="application\/json" id="vocabulary">(.*?)<\/script>/.exec(page)![1]!
    const tabs = (JSON.parse(json) as { panels: { tabs: [string, string][] }[] }).panels.flatMap((p) => p.tabs.map((t) => t[0]))
    expect(tabs.sort()).toEqual(DIMENSION_NAMES.filter((d) => (DIMENSIONS[d] as DimensionDef).panel).sort())
  })

  it('bounds the configuration: filter dimensions are visit dimensions', () => {
    expect(loadConfig({ FILTER_DIMENSIONS: VISIT_DIMENSION_NAMES.join(',') }).aggregation.filterDimensions).toEqual(VISIT_DIMENSION_NAMES)
    expect(() => loadConfig({ FILTER_DIMENSIONS: 'source,page' })).toThrow(ConfigError)
  })
})
