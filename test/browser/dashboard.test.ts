import { mkdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator, runAudit } from '@quiet-analytics/aggregator'
import { generateDay, type Traffic } from '../fixtures/traffic.ts'
import { launchChromium } from '../support/browser.ts'
import { startTestDashboard, type TestDashboard } from '../support/dashboard-server.ts'
import { tempStore, testConfig } from '../support/temp-store.ts'

const OUT = new URL('../../test-output/', import.meta.url).pathname
const DAY1 = '2026-11-19'
const DAY2 = '2026-11-20'
let store: Awaited<ReturnType<typeof tempStore>>
let dash: TestDashboard
let browser: Browser
let page: Page
let password: string
let t1: Traffic
let t2: Traffic

const visitors = (visits: Traffic['visits']) => new Set(visits.map((v) => v.visitor)).size

beforeAll(async () => {
  const config = testConfig({ aggregation: { minGroupSize: 1 } })
  store = await tempStore(config)
  t1 = generateDay({ siteId: 'test', dayStartMs: Date.parse(`${DAY1}T00:00:00Z`), visitors: 150, seed: 31 })
  t2 = generateDay({ siteId: 'test', dayStartMs: Date.parse(`${DAY2}T00:00:00Z`), visitors: 200, seed: 32 })
  await store.client.insert({ table: 'raw_hits', values: [...t1.rows, ...t2.rows], format: 'JSONEachRow' })
  await new Aggregator(config, store, createLogger('silent'), manualClock(Date.parse('2026-11-21T10:00:00Z'))).rollup()
  const minute = (iso: string) => Date.parse(iso) / 1000
  await store.client.insert({
    table: 'ingest_drops',
    values: [
      { minute: minute(`${DAY2}T10:00:00Z`), site_id: 'test', reason: 'bot', events: 7 },
      { minute: minute(`${DAY2}T11:00:00Z`), site_id: 'test', reason: 'invalid', events: 2 },
      { minute: minute(`${DAY1}T09:00:00Z`), site_id: 'test', reason: 'consent', events: 3 },
    ],
    format: 'JSONEachRow',
  })
  dash = await startTestDashboard(config, store, Date.parse(`${DAY2}T23:00:00Z`))
  password = await dash.auth.accounts.setUser('admin', 'admin')
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true })
  mkdirSync(OUT, { recursive: true })
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await dash?.stop()
  await store?.destroy()
})

const metric = (name: string) => page.locator(`.metric[data-metric="${name}"] .value`)

describe('dashboard in headless Chromium', () => {
  it('logs in and shows the seeded numbers', async () => {
    await page.goto(`${dash.url}/?site=test&period=today`)
    await page.fill('#username', 'admin')
    await page.fill('#password', password)
    await page.click('#login button[type=submit]')
    // The printed password is one-time: the first login asks for a new one.
    await page.fill('#new-password', 'a-long-new-password')
    await page.click('#change-password button[type=submit]')
    await expect.poll(() => metric('visitors').textContent()).toBe(String(visitors(t2.visits)))
    expect(await metric('visits').textContent()).toBe(String(t2.visits.length))
    await expect.poll(() => page.locator('#panels tr.row').count()).toBeGreaterThan(3)
    await page.screenshot({ path: `${OUT}dashboard-today.png`, fullPage: true })
  })

  it('filters the whole view by clicking a source, keeps it in the URL, and changes the range', async () => {
    await page.locator('#panels tr.row[data-value="Hacker News"]').first().click()
    await expect.poll(() => new URL(page.url()).searchParams.get('filter')).toBe('source:Hacker News')
    const hn2 = t2.visits.filter((v) => v.source === 'Hacker News')
    await expect.poll(() => metric('visitors').textContent()).toBe(String(visitors(hn2)))
    expect(await page.locator('#filter-label').textContent()).toBe('source = Hacker News')
    await page.selectOption('#period', '7d')
    const hn1 = t1.visits.filter((v) => v.source === 'Hacker News')
    await expect.poll(() => metric('visitors').textContent()).toBe(String(visitors(hn1) + visitors(hn2)))
    expect(await page.locator('#summed-note').isVisible()).toBe(true)
    await page.screenshot({ path: `${OUT}dashboard-filtered-7d.png`, fullPage: true })
  })

  it('exports a breakdown as CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#panels .panel a.csv').first().click()])
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.split('\r\n')[0]).toBe('value,visitors,visits,pageviews,views_per_visit,bounce_rate,visit_duration')
    expect(csv.split('\r\n').length).toBeGreaterThan(2)
  })

  it("names countries in the reader's language, keeps the codes in the API, and opens a custom event's properties", async () => {
    await page.goto(`${dash.url}/?site=test&period=today`)
    const germany = page.locator('#panels tr.row[data-value="DE"] td').first()
    await expect.poll(() => germany.textContent()).toBe('Germany')
    expect(await germany.getAttribute('title')).toBe('DE')
    await page.getByRole('tab', { name: 'Custom events' }).click()
    await page.locator('#panels tr[data-event="Signup"]').click()
    const signups = t2.rows.filter((r) => r.name === 'Signup' && r.props.plan === 'pro')
    const pro = page.locator('#panels table[data-property="plan"] tr[data-value="pro"] td')
    await expect.poll(() => pro.nth(1).textContent()).toBe(String(new Set(signups.map((r) => r.visitor_id)).size))
    expect(await pro.nth(2).textContent()).toBe(String(signups.length))
    await page.screenshot({ path: `${OUT}dashboard-properties.png`, fullPage: true })

    const german = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 1000 } })
    const de = await german.newPage()
    await de.goto(`${dash.url}/?site=test&period=today`)
    await de.fill('#username', 'admin')
    await de.fill('#password', 'a-long-new-password')
    await de.click('#login button[type=submit]')
    await expect.poll(() => de.locator('#panels tr.row[data-value="DE"] td').first().textContent()).toBe('Deutschland')
    await german.close()
  })

  it('shows per day the events it did not count, bots included', async () => {
    await page.goto(`${dash.url}/?site=test&period=7d`)
    const cell = (day: string, kind: string) => page.locator(`#drops-table tr[data-day="${day}"] td[data-kind="${kind}"]`)
    await expect.poll(() => cell(DAY2, 'bot').textContent()).toBe('7')
    expect(await cell(DAY2, 'invalid').textContent()).toBe('2')
    expect(await cell(DAY1, 'consent').textContent()).toBe('3')
    expect(await page.locator('#drops-table tr.total th[data-kind="bot"]').textContent()).toBe('7')
    await page.locator('#drops').screenshot({ path: `${OUT}dashboard-drops.png` })
  })

  it('renders the privacy page: the inventory as headings and tables, the latest audit and its history', async () => {
    const config = testConfig({ aggregation: { minGroupSize: 1 } })
    await runAudit(store, { ...config, dataDir: store.config.dataDir, clickhouse: store.config.clickhouse }, Date.parse(`${DAY2}T23:00:00Z`))
    await page.goto(`${dash.url}/privacy`)
    await expect.poll(() => page.locator('#inventory h2').first().textContent()).toBe('Data inventory')
    expect(await page.locator('#inventory table').count()).toBeGreaterThanOrEqual(2)
    expect(await page.locator('#inventory td code', { hasText: 'visitor_id' }).count()).toBe(1)
    expect(await page.locator('#inventory').textContent()).not.toContain('| ')
    expect(await page.locator('#audit-history tbody tr').count()).toBeGreaterThanOrEqual(1)
    await page.screenshot({ path: `${OUT}dashboard-privacy.png`, fullPage: true })
  })

  it('is keyboard accessible and has a dark mode', async () => {
    await page.goto(`${dash.url}/?site=test&period=today`)
    await expect.poll(() => page.locator('#panels tr.row').count()).toBeGreaterThan(3)
    const row = page.locator('#panels tr.row[data-value="Google"]').first()
    await row.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).searchParams.get('filter')).toBe('source:Google')
    await page.click('#theme')
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true)
    await page.screenshot({ path: `${OUT}dashboard-dark.png`, fullPage: true })
  })
})
