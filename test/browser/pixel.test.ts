import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { pixelUrl } from '@quiet-analytics/collector'
import { launchChromium } from '../support/browser.ts'
import { CHROME_UA, startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { rows, testConfig } from '../support/temp-store.ts'

let c: TestCollector
let site: Server
let siteOrigin: string
let browser: Browser

// The site on 127.0.0.1, the collector reached as localhost: two origins, as example.com beside stats.example.com.
beforeAll(async () => {
  c = await startTestCollector(testConfig({ sites: [{ id: 'pixel', domains: ['127.0.0.1'], allowedOrigins: ['http://127.0.0.1'] }] }))
  const collector = c.url.replace('127.0.0.1', 'localhost')
  site = createServer((req, res) => {
    const page = `http://${req.headers.host}${req.url}`
    const img = req.url!.startsWith('/helper')
      ? `<img src="${pixelUrl({ collector, domain: '127.0.0.1', url: page }).replaceAll('&', '&amp;')}" alt="">`
      : req.url!.startsWith('/snippet')
        ? `<img src="${collector}/api/pixel.gif?d=127.0.0.1" referrerpolicy="no-referrer-when-downgrade" alt="">`
        : `<img src="${collector}/api/pixel.gif?d=127.0.0.1" alt="">`
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>pixel</title>${img}`)
  })
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r))
  siteOrigin = `http://127.0.0.1:${(site.address() as { port: number }).port}`
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  site?.close()
  await c?.stop()
})

const stored = () => rows<{ path: string; utm_source: string }>(c.store, "SELECT path, utm_source FROM raw_hits WHERE site_id = 'pixel' ORDER BY path")

describe('the no-JS pixel on another origin', () => {
  it('records the page and its campaign with the documented snippet and with the helper, where a bare img records only /', async () => {
    const context = await browser.newContext({ userAgent: CHROME_UA })
    const page = await context.newPage()
    for (const path of ['/snippet/article-7?utm_source=mail', '/helper/article-8?utm_source=news', '/bare/article-9?utm_source=feed']) {
      const pixel = page.waitForResponse((r) => r.url().includes('/api/pixel.gif'))
      await page.goto(`${siteOrigin}${path}`)
      expect((await pixel).status()).toBe(200)
    }
    await context.close()
    await c.collector.flush()
    expect(await stored()).toEqual([
      // Chromium sends only the origin as Referer to another origin: what the bare pixel can know.
      { path: '/', utm_source: '' },
      { path: '/helper/article-8', utm_source: 'news' },
      { path: '/snippet/article-7', utm_source: 'mail' },
    ])
  })
})
