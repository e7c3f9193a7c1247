import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { siteDay } from '@quiet-analytics/core'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows } from '../../../test/support/temp-store.ts'

let c: TestCollector
beforeAll(async () => {
  c = await startTestCollector()
})
afterAll(() => c?.stop())

describe('salts without an aggregator', () => {
  it('are created by the collector only as a fallback, and every creation is logged', async () => {
    expect(await rows(c.store, 'SELECT count() AS n FROM salts')).toEqual([{ n: '0' }])
    const before = siteDay(Date.now(), 'UTC')
    expect((await c.post({ n: 'pageview', u: 'https://test.example/', d: 'test.example' })).status).toBe(202)
    // The day the event fell in (a run across midnight UTC sees the later one).
    const [salt] = await rows<{ day: string }>(c.store, 'SELECT toString(day) AS day FROM salts')
    expect([before, siteDay(Date.now(), 'UTC')]).toContain(salt!.day)
    // Only the day in use: making salts ahead of time is the aggregator's job.
    expect(await rows(c.store, 'SELECT site_id, toString(day) AS day FROM salts')).toEqual([{ site_id: 'test', day: salt!.day }])
    expect(await rows(c.store, 'SELECT site_id, toString(day) AS day, toString(action) AS action, actor FROM salt_log')).toEqual([{ site_id: 'test', day: salt!.day, action: 'created', actor: 'collector' }])
  })
})
