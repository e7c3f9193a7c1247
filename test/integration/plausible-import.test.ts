import { strToU8, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyImport, planImport, readPlausibleExport } from '@quiet-analytics/aggregator'
import { StatsService } from '@quiet-analytics/dashboard'
import { resolveSite } from '@quiet-analytics/core'
import { rows, tempStore, testConfig } from '../support/temp-store.ts'

// A small export in Plausible's format: one CSV per report, dated file names.
const EXPORT = zipSync({
  'imported_visitors_20250101_20250131.csv': strToU8('date,visitors,pageviews,bounces,visits,visit_duration\n2025-01-30,10,25,4,12,600\n2025-01-31,20,50,6,22,1100\n'),
  'imported_sources_20250101_20250131.csv': strToU8('date,source,referrer,utm_source,utm_medium,utm_campaign,utm_content,utm_term,visitors,visits,visit_duration,bounces\n2025-01-30,Google,google.com,,,,,,6,7,300,2\n2025-01-30,,,,,,,,4,5,300,2\n2025-01-31,Google,google.com,,,,,,20,22,1100,6\n'),
  'imported_pages_20250101_20250131.csv': strToU8('date,hostname,page,visits,visitors,pageviews,exits,time_on_page\n2025-01-30,test.example,/,12,10,20,10,100\n2025-01-30,test.example,/about,3,3,5,2,40\n'),
  'imported_locations_20250101_20250131.csv': strToU8('date,country,region,city,visitors,visits,visit_duration,bounces\n2025-01-30,DE,,0,10,12,600,4\n'),
  'imported_devices_20250101_20250131.csv': strToU8('date,device,visitors,visits,visit_duration,bounces\n2025-01-30,Desktop,7,8,400,3\n2025-01-30,Mobile,3,4,200,1\n'),
  'imported_custom_events_20250101_20250131.csv': strToU8('date,name,link_url,visitors,events\n2025-01-31,Signup,,5,6\n'),
  'imported_cities_20250101_20250131.csv': strToU8('date,city,visitors\n2025-01-30,2950159,3\n'),
})

let store: Awaited<ReturnType<typeof tempStore>>
beforeAll(async () => {
  store = await tempStore(testConfig())
})
afterAll(() => store.destroy())

const stats = () => new StatsService(store.client, [])
const params = { site: 'test', period: 'custom', from: '2025-01-30', to: '2025-01-31', compare: 'none', limit: 10 } as const

describe('Plausible CSV import', () => {
  it('plans a dry run without writing anything, naming skipped reports', async () => {
    const plan = planImport('test', readPlausibleExport(EXPORT))
    expect(plan.days).toEqual(['2025-01-30', '2025-01-31'])
    expect(plan.totals).toHaveLength(2)
    expect(plan.skippedReports).toEqual(['cities'])
    expect(await rows(store, 'SELECT count() AS n FROM agg_totals_daily')).toEqual([{ n: '0' }])
  })

  it('imports into the aggregate tables so the dashboard shows the history, and twice gives the same rows', async () => {
    const plan = planImport('test', readPlausibleExport(EXPORT))
    await applyImport(store.client, 'test', plan)
    await applyImport(store.client, 'test', plan)
    const site = resolveSite({ id: 'test', domains: ['test.example'] })
    const top = await stats().topline(site, params, Date.parse('2025-02-01T00:00:00Z'))
    expect(top.totals).toMatchObject({ visitors: 30, visits: 34, pageviews: 75, bounce_rate: Math.round(1000 * 10 / 34) / 10 })
    const sources = await stats().breakdown(site, 'source', params, 0)
    expect(sources.map((s) => [s.value, s.visitors])).toEqual([['Google', 26], ['', 4]])
    const devices = await stats().breakdown(site, 'device', params, 0)
    expect(devices.map((d) => d.value).sort()).toEqual(['desktop', 'mobile'])
    expect(await stats().events(site, params, 0, 'event')).toEqual([{ name: 'Signup', visitors: 5, events: 6 }])
    expect(await rows(store, "SELECT visitors FROM agg_totals_monthly WHERE site_id = 'test'")).toEqual([{ visitors: '30' }])
  })

  it("folds values and event names under the site's k into (other), and scrubs imported text", () => {
    const withPii = zipSync({
      'imported_pages_20250101_20250131.csv': strToU8('date,hostname,page,visits,visitors,pageviews,exits,time_on_page\n2025-01-30,test.example,/,12,10,20,10,100\n2025-01-30,test.example,/u/dave@example.com,1,1,1,1,10\n2025-01-30,test.example,/rare,2,2,2,1,10\n'),
      'imported_custom_events_20250101_20250131.csv': strToU8('date,name,link_url,visitors,events\n2025-01-31,Signup,,5,6\n2025-01-31,from 203.0.113.88,,1,1\n'),
    })
    const plan = planImport('test', readPlausibleExport(withPii), 5)
    const pages = plan.breakdowns.filter((b) => b.dimension === 'page').map((b) => [b.value, b.visitors])
    expect(pages).toEqual([['/', 10], ['(other)', 3]])
    expect(plan.events.map((e) => [e.event, e.visitors])).toEqual([['Signup', 5], ['(other)', 1]])
    expect(JSON.stringify(planImport('test', readPlausibleExport(withPii), 1))).not.toMatch(/dave@example\.com|203\.0\.113\.88/)
  })
})
