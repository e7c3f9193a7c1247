import { describe, expect, it } from 'vitest'
import { metricColumns } from '@quiet-analytics/core'
import { seriesSql } from '../src/stats/stats-service.ts'

describe('stats SQL builders (pure)', () => {
  it('build every timeseries from one builder: days from the daily table, months from the monthly one, filters from breakdown rows', () => {
    const day = seriesSql('day', false)
    expect(day).toContain('FROM agg_totals_daily')
    expect(day).not.toContain('monthly')
    expect(day).toContain('toString(d) AS t')
    const month = seriesSql('month', false)
    expect(month).toContain('agg_totals_monthly')
    expect(month).toContain('agg_totals_daily')
    expect(month).toContain("formatDateTime(toStartOfMonth(d), '%Y-%m') AS t")
    const filtered = seriesSql('day', true)
    expect(filtered).toContain('FROM agg_breakdown_daily')
    expect(filtered).toContain("filter_dimension = '' AND dimension = {dim:String} AND value = {value:String}")
    for (const sql of [day, month, filtered]) expect(sql).toContain(metricColumns())
  })

  it('recompute ratios from summed counts, never from stored ratios', () => {
    const columns = metricColumns()
    expect(columns).toContain('round(if(sum(visits) = 0, 0, 100 * sum(bounces) / sum(visits)), 1) AS bounce_rate')
    expect(columns).not.toMatch(/avg\(/)
  })
})
