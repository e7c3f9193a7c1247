import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { DAY, TRAFFIC } from '../fixtures/funnels.ts'
import { launchChromium } from '../support/browser.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'
import { tempStore, testConfig } from '../support/temp-store.ts'

const OUT = new URL('../../test-output/', import.meta.url).pathname
const NOW = Date.parse(`${DAY}T18:00:00Z`)
let store: Awaited<ReturnType<typeof tempStore>>
let dash: TestDashboard
let browser: Browser
let page: Page

beforeAll(async () => {
  store = await tempStore(testConfig({ aggregation: { minGroupSize: 1 } }))
  await store.client.insert({ table: 'raw_hits', values: TRAFFIC, format: 'JSONEachRow' })
  await new Aggregator(store.config, store, createLogger('silent'), manualClock(NOW)).rollup()
  dash = await startTestDashboard(store.config, store, NOW)
  const password = await dash.user('admin', 'admin')
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
  await page.goto(`${dash.url}/?site=test&period=today`)
  await page.fill('#username', 'admin')
  await page.fill('#password', password)
  await page.click('#login button[type=submit]')
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await dash?.stop()
  await store?.destroy()
})

const cells = (column: number) => page.locator(`#funnel-table tbody tr td:nth-child(${column})`).allTextContents()

describe('a funnel in the dashboard', () => {
  it('is defined by an admin in the form, fills with the next rollup, and shows bars, conversion and median times', async () => {
    await page.waitForSelector('#funnel-form')
    await page.fill('#funnel-form input[name=name]', 'Signup')
    await page.fill('#funnel-form textarea[name=steps]', '/pricing\n/signup*\nevent:Signup plan=pro')
    await page.click('#funnel-form button[type=submit]')
    await expect.poll(() => new URL(page.url()).searchParams.get('funnel')).toBe('Signup')
    await expect.poll(() => page.locator('#funnels .note').first().textContent()).toMatch(/from the next rollup/)
    await new Aggregator(store.config, store, createLogger('silent'), manualClock(NOW)).rollup()
    await page.reload()
    await expect.poll(() => cells(2)).toEqual(['6', '5', '2'])
    expect(await cells(1)).toEqual(['1. /pricing', '2. /signup*', '3. Signup plan=pro'])
    expect(await cells(3)).toEqual(['100%', '83.3%', '33.3%'])
    expect(await cells(4)).toEqual(['', '16.7%', '60%'])
    expect(await cells(5)).toEqual(['', '10s', '1s'])
    expect(await page.locator('#funnels .note').first().textContent()).toContain(`Counted from ${DAY}`)
    mkdirSync(OUT, { recursive: true })
    await page.locator('#funnels').screenshot({ path: `${OUT}dashboard-funnel.png` })
  })
})
