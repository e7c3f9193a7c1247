import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { launchChromium } from '../support/browser.ts'
import { CHROME_UA, startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'
import { testConfig } from '../support/temp-store.ts'

// Minimal trackers written to the published payload formats of Plausible's and Umami's scripts.
const plausibleStyle = (api: string) => `
  fetch('${api}/api/event', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, keepalive: true,
    body: JSON.stringify({ n: 'pageview', u: location.href, d: 'plausible.example', r: document.referrer || null, w: window.innerWidth }) })
    .then(function (r) { document.title = 'sent ' + r.status })`
const umamiStyle = (api: string) => `
  fetch('${api}/api/send', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'event', payload: { website: '0f3e1c2a-9b8d-4c7e-a6f5-4d3c2b1a0e9f', hostname: location.hostname,
      screen: screen.width + 'x' + screen.height, language: navigator.language, title: document.title, url: location.pathname, referrer: document.referrer } }) })
    .then(function (r) { document.title = 'sent ' + r.status })`

let c: TestCollector
let pages: Server
let pagesUrl: string
let browser: Browser
let dash: TestDashboard

beforeAll(async () => {
  pages = createServer((req, res) => {
    const script = req.url?.startsWith('/umami') ? umamiStyle(c.url) : plausibleStyle(c.url)
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(`<!doctype html><title>page</title><h1>${req.url}</h1><script>${script}</script>`)
  })
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r))
  pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`
  c = await startTestCollector(
    testConfig({
      sites: [
        { id: 'plausible-site', domains: ['plausible.example'], allowedOrigins: [pagesUrl] },
        { id: 'umami-site', domains: ['umami.example'], allowedOrigins: [pagesUrl], umamiWebsiteId: '0f3e1c2a-9b8d-4c7e-a6f5-4d3c2b1a0e9f' },
      ],
      aggregation: { minGroupSize: 1 },
    }),
  )
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await dash?.stop()
  pages?.close()
  await c?.stop()
})

describe('snippets of other analytics tools pointed at our collector', () => {
  it('Plausible-style and Umami-style trackers land and show on the dashboard', async () => {
    const context = await browser.newContext({ userAgent: CHROME_UA })
    const page = await context.newPage()
    for (const path of ['/plausible/home', '/plausible/pricing', '/umami/home', '/umami/docs', '/umami/docs']) {
      await page.goto(`${pagesUrl}${path}`)
      await expect.poll(() => page.title()).toBe('sent 202')
    }
    await context.close()
    await c.collector.flush()
    const now = Date.now()
    await new Aggregator(c.store.config, c.store, createLogger('silent'), manualClock(now)).rollup()
    dash = await startTestDashboard(c.store.config, c.store, now)
    const admin = await dash.login('admin', await dash.user('admin', 'admin'))
    const pagesOf = async (site: string) =>
      ((await (await admin.get(`/api/stats/breakdown/page?site=${site}&period=today`)).json()) as { value: string; pageviews: number }[]).map((r) => [r.value, r.pageviews])
    expect(await pagesOf('plausible-site')).toEqual([['/plausible/home', 1], ['/plausible/pricing', 1]])
    expect((await pagesOf('umami-site')).sort()).toEqual([['/umami/docs', 2], ['/umami/home', 1]])
  })
})
