import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock, type RawHit } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { tailHit } from '../../../test/fixtures/traffic.ts'
import { tempStore, testConfig } from '../../../test/support/temp-store.ts'
import { startTestDashboard, type TestDashboard } from '../../../test/support/dashboard-server.ts'

const DAY = '2026-11-20'
const SITE = { id: 'test', domains: ['test.example'] }
let store: Awaited<ReturnType<typeof tempStore>>
let dash: TestDashboard
let token: string

beforeAll(async () => {
  // Stored unfolded (k = 1), read with the site's k = 2 while the global one is 10.
  store = await tempStore(testConfig({ sites: [{ ...SITE, minGroupSize: 1 }] }))
  const at = Date.parse(`${DAY}T10:00:00Z`)
  const hits: RawHit[] = []
  const views = { '/popular': 6, '/pair': 2, '/rare': 1 }
  let v = 0
  for (const [path, n] of Object.entries(views)) for (let i = 0; i < n; i++, v++) hits.push({ ...tailHit('test', String(5000 + v)), ts: at + v * 60_000, path })
  await store.client.insert({ table: 'raw_hits', values: hits, format: 'JSONEachRow' })
  await new Aggregator(store.config, store, createLogger('silent'), manualClock(Date.parse('2026-11-21T10:00:00Z'))).rollup()
  const config = testConfig({ sites: [{ ...SITE, minGroupSize: 2 }], aggregation: { minGroupSize: 10 } })
  dash = await startTestDashboard({ ...config, dataDir: store.config.dataDir, clickhouse: store.config.clickhouse }, store, Date.parse(`${DAY}T12:00:00Z`))
  const admin = await dash.login('admin', await dash.user('admin', 'admin'))
  token = ((await (await admin.send('POST', '/api/share-links', { site: 'test' })).json()) as { token: string }).token
}, 60_000)
afterAll(async () => {
  await dash?.stop()
  await store?.destroy()
})

const range = `site=test&period=custom&from=${DAY}&to=${DAY}`
const shared = (path: string) => fetch(`${dash.url}${path}${path.includes('?') ? '&' : '?'}token=${token}`)

describe("share links apply the site's own minimum group size on every path", () => {
  it('tells the audience the k in force', async () => {
    expect(await (await shared('/api/me')).json()).toMatchObject({ share: true, minGroupSize: 2 })
  })

  it('folds breakdown rows under the site k, not the global one', async () => {
    const pages = (await (await shared(`/api/stats/breakdown/page?${range}`)).json()) as { value: string; visitors: number }[]
    expect(pages.map((p) => [p.value, p.visitors])).toEqual([['/popular', 6], ['/pair', 2], ['(other)', 1]])
  })

  it('refuses a filter on a value under k, in totals and series, and allows one at k', async () => {
    for (const endpoint of ['aggregate', 'timeseries']) {
      const rare = await shared(`/api/stats/${endpoint}?${range}&filter=page:/rare`)
      expect(rare.status, endpoint).toBe(403)
      expect(((await rare.json()) as { error: string }).error).toMatch(/fewer than 2 visitors/)
      expect((await shared(`/api/stats/${endpoint}?${range}&filter=page:/pair&interval=day`)).status, endpoint).toBe(200)
    }
  })
})
