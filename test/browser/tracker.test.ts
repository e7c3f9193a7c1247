import type { Server } from 'node:http'
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { demoSite, startDemoServer } from 'quiet-analytics/demo-site'
import { launchChromium } from '../support/browser.ts'
import { freePort } from '../support/cli-process.ts'
import { CHROME_UA, startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { rows, testConfig } from '../support/temp-store.ts'

const OUT = new URL('../../test-output/', import.meta.url).pathname


let c: TestCollector
let demo: Server
let demoUrl: string
let browser: Browser

beforeAll(async () => {
  const port = await freePort()
  c = await startTestCollector(testConfig({ sites: [demoSite(port)] }))
  demo = await startDemoServer(port, c.url)
  demoUrl = `http://127.0.0.1:${port}/`
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  demo?.close()
  await c?.stop()
})

describe('tracker in headless Chromium', () => {
  it('sends a pageview, an SPA navigation, a custom event and engagement, and all land', async () => {
    // Headless Chromium announces itself as HeadlessChrome, which the collector drops as a bot.
    const context = await browser.newContext({ userAgent: CHROME_UA })
    const page = await context.newPage()
    const accepted: string[] = []
    page.on('response', (r) => {
      if (r.url().endsWith('/api/event')) accepted.push(String(r.status()))
    })
    await page.goto(`${demoUrl}landing?utm_source=browser-test`)
    await page.waitForFunction(() => typeof (window as unknown as { qa?: unknown }).qa === 'function')
    await page.waitForTimeout(300)
    await page.click('#nav-pricing')
    await page.click('#signup')
    await page.waitForTimeout(300)
    mkdirSync(OUT, { recursive: true })
    await page.screenshot({ path: `${OUT}tracker-demo.png` })
    // Leaving the page hides it: the tracker sends engagement with sendBeacon.
    await page.goto('about:blank')
    await context.close()

    const deadline = Date.now() + 10_000
    let names: { name: string; path: string; engagement_ms: number; props: Record<string, string>; utm_source: string }[] = []
    while (Date.now() < deadline) {
      await c.collector.flush()
      names = await rows(c.store, 'SELECT name, path, engagement_ms, props, utm_source FROM raw_hits ORDER BY ts')
      if (names.some((n) => n.name === 'engagement' && n.path === '/pricing')) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const pageviews = names.filter((n) => n.name === 'pageview').map((n) => n.path)
    expect(pageviews).toEqual(['/landing', '/pricing'])
    expect(names.find((n) => n.path === '/landing')!.utm_source).toBe('browser-test')
    expect(names.find((n) => n.name === 'Signup')!.props).toEqual({ plan: 'pro' })
    const engagement = names.filter((n) => n.name === 'engagement')
    expect(engagement.map((e) => e.path)).toContain('/pricing')
    expect(engagement.every((e) => Number(e.engagement_ms) > 0)).toBe(true)
    expect(accepted.length).toBeGreaterThanOrEqual(3)
  })

  it('sends nothing once the visitor opts out', async () => {
    const context = await browser.newContext({ userAgent: CHROME_UA })
    const page = await context.newPage()
    await page.goto(`${demoUrl}first`)
    await page.evaluate(() => (window as unknown as { qa: { optOut(on?: boolean): void } }).qa.optOut())
    await page.goto(`${demoUrl}after-opt-out`)
    await page.waitForTimeout(500)
    await context.close()
    await c.collector.flush()
    const after = await rows(c.store, "SELECT 1 FROM raw_hits WHERE path = '/after-opt-out'")
    expect(after).toEqual([])
    expect((await rows(c.store, "SELECT 1 FROM raw_hits WHERE path = '/first'")).length).toBe(1)
  })
})
