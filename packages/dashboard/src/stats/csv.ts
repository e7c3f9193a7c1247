import type { BreakdownRow } from './stats-service.ts'

const COLUMNS = ['value', 'visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'] as const

/** RFC 4180 CSV; values that a spreadsheet would run as formulas are prefixed with '. */
export function toCsv(rows: readonly BreakdownRow[]): string {
  const cell = (v: string | number) => {
    let s = String(v)
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n'
}
