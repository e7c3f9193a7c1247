import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { readFile } from 'node:fs/promises'
import { dirname, extname, join, normalize } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { Umami } from '@umami/node'
import { createLogger, manualClock, UMAMI_PAYLOAD_FIELDS, WIRE_FIELDS } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { launchChromium } from '../support/browser.ts'
import { CHROME_UA, startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'
import { rows, testConfig } from '../support/temp-store.ts'

// The published client packages, unchanged, pointed at the collector (versions pinned in package.json).
const require = createRequire(import.meta.url)
const VENDOR: Record<string, string> = {
  npm: dirname(require.resolve('@plausible-analytics/tracker')),
  legacy: join(dirname(require.resolve('plausible-tracker')), '../module'),
}
const UMAMI_WEBSITE = '2b5f0c9e-7d41-4a8b-9e3c-6f1d2a4b8c70'

let c: TestCollector
let pages: Server
let port: number
let browser: Browser
let dash: TestDashboard
const now = Date.now()

/** A page of a site on its own domain, loading a tracker package as a site's bundle would. */
function html(path: string): string {
  const collector = c.url
  if (path === '/npm/') {
    return `<!doctype html><title>npm</title><h1>shop</h1><a id="out" href="http://elsewhere.test:${port}/landing">elsewhere</a>
      <script type="module">
        import { init, track } from '/vendor/npm/plausible.js'
        init({ domain: 'shop.test', endpoint: '${collector}/api/event', hashBasedRouting: true, outboundLinks: true, logging: false })
        window.qaTrack = track
      </script>`
  }
  if (path === '/legacy/') {
    return `<!doctype html><title>legacy</title><h1>legacy</h1><a id="out" href="http://elsewhere.test:${port}/landing">elsewhere</a>
      <script type="module">
        import Plausible from '/vendor/legacy/index.js'
        const plausible = Plausible({ domain: 'legacy.test', apiHost: '${collector}', hashMode: true })
        plausible.enableAutoPageviews()
        plausible.enableAutoOutboundTracking()
        window.qaTrack = plausible.trackEvent
      </script>`
  }
  return '<!doctype html><title>landing</title><h1>landing</h1>'
}

async function serve(url: string): Promise<{ type: string; body: string } | undefined> {
  const vendor = /^\/vendor\/(npm|legacy)\/(.+)$/.exec(url)
  if (!vendor) return { type: 'text/html', body: html(url) }
  const root = VENDOR[vendor[1]!]!
  // The legacy package's module build imports without extensions, as bundlers resolve them.
  const file = normalize(join(root, extname(vendor[2]!) ? vendor[2]! : `${vendor[2]}.js`))
  if (!file.startsWith(root)) return undefined
  return { type: 'text/javascript', body: await readFile(file, 'utf8') }
}

beforeAll(async () => {
  pages = createServer((req, res) => {
    serve(req.url ?? '/').then(
      (r) => {
        res.writeHead(r ? 200 : 404, { 'content-type': r?.type ?? 'text/plain' })
        res.end(r?.body ?? 'not found')
      },
      () => {
        res.writeHead(404)
        res.end()
      },
    )
  })
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r))
  port = (pages.address() as AddressInfo).port
  c = await startTestCollector(
    testConfig({
      sites: [
        { id: 'npm-site', domains: ['shop.test'], allowedOrigins: [`http://shop.test:${port}`] },
        { id: 'legacy-site', domains: ['legacy.test'], allowedOrigins: [`http://legacy.test:${port}`] },
        { id: 'node-site', domains: ['api.example'], umamiWebsiteId: UMAMI_WEBSITE },
      ],
      aggregation: { minGroupSize: 1 },
    }),
  )
  browser = await launchChromium({ hosts: ['shop.test', 'legacy.test', 'elsewhere.test'] })
})
afterAll(async () => {
  await browser?.close()
  await dash?.stop()
  pages?.close()
  await c?.stop()
})

/** Every request a page sends to the collector, with the answer it got. */
function collectorTraffic(page: Page): { bodies: Record<string, unknown>[]; statuses: number[] } {
  const seen = { bodies: [] as Record<string, unknown>[], statuses: [] as number[] }
  page.on('request', (req) => {
    if (req.url().startsWith(c.url) && req.method() === 'POST') seen.bodies.push(JSON.parse(req.postData() ?? '{}') as Record<string, unknown>)
  })
  page.on('response', (res) => {
    if (res.url().startsWith(c.url) && res.request().method() === 'POST') seen.statuses.push(res.status())
  })
  return seen
}

async function drive(path: string, expectedEvents: string[]): Promise<Record<string, unknown>[]> {
  // Headless Chromium says so in its user-agent and is dropped as a bot: a real browser's is used.
  const context = await browser.newContext({ userAgent: CHROME_UA })
  // Plausible's script ignores browsers driven by automation unless told this is a test.
  await context.addInitScript('window.__plausible = true')
  const page = await context.newPage()
  const traffic = collectorTraffic(page)
  const accepted = c.collector.counters.accepted
  const answered = (n: number) => expect.poll(() => traffic.statuses.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n)
  const origin = path === '/npm/' ? `http://shop.test:${port}` : `http://legacy.test:${port}`
  await page.goto(`${origin}${path}`)
  await answered(1)
  await page.evaluate(() => (window as unknown as { qaTrack: (n: string, o: object) => void }).qaTrack('Signup', { props: { plan: 'pro' } }))
  await answered(2)
  await page.evaluate(() => {
    location.hash = '#/pricing'
  })
  await expect.poll(() => traffic.bodies.filter((b) => b.n === 'pageview').length, { timeout: 10_000 }).toBe(expectedEvents.filter((n) => n === 'pageview').length)
  await answered(traffic.bodies.length)
  await page.click('#out')
  await page.waitForURL(/elsewhere\.test/)
  // The click's event leaves as the page unloads; the collector's count says when it is in.
  await expect.poll(() => c.collector.counters.accepted - accepted, { timeout: 10_000 }).toBe(expectedEvents.length)
  await context.close()
  expect(traffic.bodies.map((b) => b.n).sort()).toEqual([...expectedEvents].sort())
  expect(traffic.statuses.every((s) => s === 202)).toBe(true)
  return traffic.bodies
}

describe('the real client packages, pointed at the collector', () => {
  let npmBodies: Record<string, unknown>[]
  let legacyBodies: Record<string, unknown>[]
  const umamiPayloads: Record<string, unknown>[] = []

  it('@plausible-analytics/tracker: pageviews with hash routing, a custom event with props, engagement and an outbound click, all accepted', async () => {
    npmBodies = await drive('/npm/', ['pageview', 'Signup', 'engagement', 'pageview', 'Outbound Link: Click'])
    expect(npmBodies.find((b) => b.n === 'engagement')).toMatchObject({ v: expect.any(Number), d: 'shop.test', h: 1 })
  })

  it('plausible-tracker (0.3): the same scenario, engagement aside', async () => {
    // It listens to popstate and hashchange, and a fragment navigation fires both: two pageviews, as on Plausible itself.
    legacyBodies = await drive('/legacy/', ['pageview', 'Signup', 'pageview', 'pageview', 'Outbound Link: Click'])
  })

  it("@umami/node: its README's pageview and a named event with data, from Node", async () => {
    const realFetch = globalThis.fetch
    globalThis.fetch = (input, init) => {
      if (String(input).startsWith(c.url)) umamiPayloads.push((JSON.parse(String(init?.body)) as { payload: Record<string, unknown> }).payload)
      return realFetch(input, init)
    }
    try {
      // The package's default export is an instance of this class; its types reach TypeScript only through the class.
      const umami = new Umami()
      umami.init({ websiteId: UMAMI_WEBSITE, hostUrl: c.url })
      expect((await umami.track({ url: '/home' })).status).toBe(202)
      expect((await umami.track('Signup', { plan: 'team' })).status).toBe(202)
    } finally {
      globalThis.fetch = realFetch
    }
    expect(umamiPayloads).toHaveLength(2)
  })

  it('sends no field the collector does not know: a client version that adds one fails here first', () => {
    const unknown = (bodies: Record<string, unknown>[], known: ReadonlySet<string>) => [...new Set(bodies.flatMap((b) => Object.keys(b)))].filter((k) => !known.has(k))
    expect(unknown(npmBodies, WIRE_FIELDS)).toEqual([])
    expect(unknown(legacyBodies, WIRE_FIELDS)).toEqual([])
    expect(unknown(umamiPayloads, UMAMI_PAYLOAD_FIELDS)).toEqual([])
  })

  it('shows each client in the stats API: pages, events and their properties', async () => {
    await c.collector.flush()
    await new Aggregator(c.store.config, c.store, createLogger('silent'), manualClock(now)).rollup()
    dash = await startTestDashboard(c.store.config, c.store, now)
    const admin = await dash.login('admin', await dash.user('admin', 'admin'))
    const get = async <T>(path: string): Promise<T> => {
      const res = await admin.get(path)
      expect(res.status, path).toBe(200)
      return (await res.json()) as T
    }
    const pages = async (site: string) => (await get<{ value: string; pageviews: number }[]>(`/api/stats/breakdown/page?site=${site}&period=today`)).map((r) => [r.value, r.pageviews])
    const events = async (site: string) => (await get<{ name: string; events: number }[]>(`/api/stats/events?site=${site}&period=today`)).map((r) => [r.name, r.events]).sort()
    const prop = async (site: string, event: string, key: string) =>
      (await get<{ value: string; visitors: number; events: number }[]>(`/api/stats/breakdown?site=${site}&period=today&property=event:props:${key}&event=${encodeURIComponent(event)}`)).map((r) => [r.value, r.events])

    for (const [site, base, hashViews] of [['npm-site', '/npm', 1], ['legacy-site', '/legacy', 2]] as const) {
      expect((await pages(site)).sort()).toEqual([[base, 1], [`${base}#/pricing`, hashViews]].sort())
      // Engagement events carry time and scroll depth; they are neither pageviews nor custom events.
      expect((await get<{ totals: { pageviews: number } }>(`/api/stats/aggregate?site=${site}&period=today`)).totals.pageviews).toBe(1 + hashViews)
      expect(await events(site)).toEqual([['Outbound Link: Click', 1], ['Signup', 1]])
      expect(await prop(site, 'Signup', 'plan')).toEqual([['pro', 1]])
      expect(await prop(site, 'Outbound Link: Click', 'url')).toEqual([[`http://elsewhere.test:${port}/landing`, 1]])
    }
    expect(await rows(c.store, "SELECT count() AS n FROM raw_hits WHERE site_id = 'npm-site' AND name = 'engagement' AND path = '/npm'")).toEqual([{ n: '1' }])
    expect(await pages('node-site')).toEqual([['/home', 1]])
    expect(await events('node-site')).toEqual([['Signup', 1]])
    expect(await prop('node-site', 'Signup', 'plan')).toEqual([['team', 1]])
  })
})
