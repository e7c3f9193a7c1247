import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import type { FunnelInfo, FunnelStats } from '@quiet-analytics/dashboard'
import { DAY, DIRECT, SIGNUP, TRAFFIC } from '../fixtures/funnels.ts'
import { tempStore, testConfig, TEST_SITE } from '../support/temp-store.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'

const NOW = Date.parse(`${DAY}T18:00:00Z`)
let store: Awaited<ReturnType<typeof tempStore>>
let dash: TestDashboard
let admin: Awaited<ReturnType<TestDashboard['login']>>

const rollup = () => new Aggregator(store.config, store, createLogger('silent'), manualClock(NOW)).rollup()
const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await res).json() as Promise<T>
const funnel = (name: string, query = `period=custom&from=${DAY}&to=${DAY}`) => json<FunnelStats>(admin.get(`/api/stats/funnel?site=test&funnel=${name}&${query}`))
const column = <K extends keyof FunnelStats['steps'][number]>(stats: FunnelStats, key: K) => stats.steps.map((s) => s[key])

beforeAll(async () => {
  store = await tempStore(testConfig({ sites: [{ ...TEST_SITE, funnels: [SIGNUP] }], aggregation: { minGroupSize: 2, filterDimensions: ['source'] } }))
  await store.client.insert({ table: 'raw_hits', values: TRAFFIC, format: 'JSONEachRow' })
  dash = await startTestDashboard(store.config, store, NOW)
  admin = await dash.login('admin', await dash.user('admin', 'admin'))
}, 60_000)
afterAll(async () => {
  await dash.stop()
  await store.destroy()
})

describe('funnels', () => {
  it('are defined by an admin in the dashboard, beside the configured ones, and fill at the next rollup', async () => {
    expect((await admin.send('POST', '/api/funnels', { site: 'test', funnel: DIRECT })).status).toBe(201)
    expect((await admin.send('POST', '/api/funnels', { site: 'test', funnel: { ...DIRECT, name: 'Signup' } })).status).toBe(409)
    for (const steps of [[{ page: '/a' }], Array.from({ length: 9 }, () => ({ page: '/a' })), [{ page: '/a' }, { page: 'no-slash' }], [{ page: '/a' }, { page: '/b', property: { key: 'k', value: 'v' } }]]) {
      expect((await admin.send('POST', '/api/funnels', { site: 'test', funnel: { name: 'Bad', steps } })).status, JSON.stringify(steps)).toBe(400)
    }
    const viewer = await dash.login('viewer', await dash.user('viewer', 'viewer'))
    expect((await viewer.send('POST', '/api/funnels', { site: 'test', funnel: DIRECT })).status).toBe(403)

    const before = await json<FunnelInfo[]>(admin.get('/api/funnels?site=test'))
    expect(before.map((f) => [f.name, f.source, f.dataFrom])).toEqual([['Signup', 'config', null], ['Direct', 'dashboard', null]])
    expect(before[0]!.steps.map((s) => s.label)).toEqual(['/pricing', '/signup*', 'Signup plan=pro'])
    await rollup()
    expect((await json<FunnelInfo[]>(admin.get('/api/funnels?site=test'))).map((f) => f.dataFrom)).toEqual([DAY, DAY])
  })

  it('give exactly the known counts, conversion, drop-off and median time of each step', async () => {
    const signup = await funnel('Signup')
    expect(column(signup, 'visits')).toEqual([6, 5, 2])
    expect(column(signup, 'conversion')).toEqual([100, 83.3, 33.3])
    expect(column(signup, 'dropOff')).toEqual([null, 16.7, 60])
    expect(column(signup, 'medianSeconds')).toEqual([null, 10, 1])
    const direct = await funnel('Direct')
    expect(column(direct, 'visits')).toEqual([6, 4])
    expect(column(direct, 'medianSeconds')).toEqual([null, 5])
  })

  it('withhold a step under k, with every ratio that would reveal it, and filter by the stored visit dimensions only', async () => {
    const google = await funnel('Signup', `period=custom&from=${DAY}&to=${DAY}&filter=source:Google`)
    expect(google.minGroupSize).toBe(2)
    expect(column(google, 'visits')).toEqual([3, 3, null])
    expect(column(google, 'conversion')).toEqual([100, 100, null])
    expect(column(google, 'dropOff')).toEqual([null, 0, null])
    expect(column(google, 'medianSeconds')[2]).toBeNull()
    const res = await admin.get(`/api/stats/funnel?site=test&funnel=Signup&filter=country:DE`)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(/filterDimensions \(source\)/)
    expect((await admin.get('/api/stats/funnel?site=test&funnel=Nope')).status).toBe(404)
    expect((await admin.get('/api/stats/funnel?site=test')).status).toBe(400)
  })

  it('read over a year of days, as over one', async () => {
    expect(column(await funnel('Signup', `period=custom&from=2025-11-21&to=${DAY}`), 'visits')).toEqual([6, 5, 2])
  })

  it('recompute a changed funnel for the days whose raw rows exist, never mixing the old counts in, and can be removed', async () => {
    expect((await admin.send('POST', '/api/funnels', { site: 'test', funnel: { ...DIRECT, order: 'eventually' } })).status).toBe(201)
    expect((await json<FunnelInfo[]>(admin.get('/api/funnels?site=test')))[1]!.dataFrom).toBeNull()
    expect(column(await funnel('Direct'), 'visits')).toEqual([null, null])
    await rollup()
    expect(column(await funnel('Direct'), 'visits')).toEqual([6, 5])
    expect((await admin.send('DELETE', '/api/funnels/test/Direct')).status).toBe(200)
    expect((await admin.send('DELETE', '/api/funnels/test/Signup')).status).toBe(409)
    expect((await admin.send('DELETE', '/api/funnels/test/Direct')).status).toBe(404)
    expect((await json<FunnelInfo[]>(admin.get('/api/funnels?site=test'))).map((f) => f.name)).toEqual(['Signup'])
  })
})
