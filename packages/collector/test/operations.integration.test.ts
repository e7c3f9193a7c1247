import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { testConfig } from '../../../test/support/temp-store.ts'
import { createStandaloneServer } from '@quiet-analytics/collector'
import type { AddressInfo } from 'node:net'

const TOKEN = 'metrics-token-0123456789'
let c: TestCollector
let metricsUrl: string
let close: () => void

beforeAll(async () => {
  c = await startTestCollector(testConfig())
  // A second front end on the same collector, with metrics enabled.
  const server = createStandaloneServer(c.collector, { metricsToken: TOKEN })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => {
    server.closeAllConnections()
    server.close()
  }
})
afterAll(async () => {
  close()
  await c.stop()
})

describe('health, readiness and metrics', () => {
  it('reports liveness and readiness with the store reachable', async () => {
    expect(await (await fetch(`${c.url}/health`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${c.url}/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', store: 'ok', buffered: 0 })
  })

  it('keeps /metrics disabled without a token and behind the bearer token with one', async () => {
    expect((await fetch(`${c.url}/metrics`)).status).toBe(404)
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401)
    expect((await fetch(`${metricsUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401)
  })

  it('counts accepted events, drops by reason, and flushes', async () => {
    await c.post({ n: 'pageview', u: 'https://test.example/m', d: 'test.example' })
    await c.post({ n: 'pageview', u: 'https://test.example/m', d: 'test.example' }, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' })
    await c.post({ n: 'pageview', u: 'https://test.example/m', d: 'test.example' }, { dnt: '1' })
    await c.post('{bad json')
    await c.collector.flush()
    const text = await (await fetch(`${metricsUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()
    expect(text).toMatch(/^qa_events_accepted_total 1$/m)
    expect(text).toMatch(/^qa_events_dropped_total\{reason="bot"\} 1$/m)
    expect(text).toMatch(/^qa_events_dropped_total\{reason="consent"\} 1$/m)
    expect(text).toMatch(/^qa_events_dropped_total\{reason="invalid"\} 1$/m)
    expect(text).toMatch(/^qa_flush_rows_count\{table="raw_hits"\} [1-9]/m)
    // Backpressure: the spool room held for rows in memory, and the share it is measured against.
    expect(text).toMatch(/^qa_spool_reserved_bytes \d+$/m)
    expect(text).toMatch(/^qa_spool_capacity_bytes [1-9]\d*$/m)
    expect(text).not.toContain('127.0.0.1')
  })

  it('turns not ready when the store is gone', async () => {
    await c.store.engine!.stop()
    const ready = await fetch(`${c.url}/ready`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ status: 'not ready', store: 'unreachable' })
  })
})
