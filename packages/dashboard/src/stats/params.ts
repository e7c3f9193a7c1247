import { z } from 'zod'
import { DIMENSIONS } from './vocabulary.ts'

const isCalendarDay = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`)
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine(isCalendarDay, 'a calendar day (month 01-12, a day the month has)')
  .refine((s) => s >= '2000-01-01' && s <= '2099-12-31', 'a day from 2000-01-01 to 2099-12-31')

/** The widest range any stats request may cover, and the widest an hourly series may: no request may hold the store for long. */
export const RANGE_LIMITS = { maxDays: 3660, maxHourlyDays: 31 } as const

const spanDays = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1

/** Query parameters of every stats endpoint, validated once. */
export const StatsParamsSchema = z
  .object({
    site: z.string().min(1).max(100),
    period: z.enum(['today', 'yesterday', '7d', '30d', 'month', '12mo', 'custom']).default('30d'),
    from: day.optional(),
    to: day.optional(),
    /** One filter, "dimension:value" (value may contain ":"). */
    filter: z
      .string()
      .max(600)
      .regex(new RegExp(`^(${DIMENSIONS.join('|')}):.*$`), 'dimension:value with a known dimension')
      .optional(),
    compare: z.enum(['previous', 'none']).default('none'),
    interval: z.enum(['hour', 'day', 'month']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(10),
  })
  .refine((p) => p.period !== 'custom' || (p.from && p.to && p.from <= p.to), 'custom periods need from <= to')
  .refine((p) => p.period !== 'custom' || !p.from || !p.to || spanDays(p.from, p.to) <= RANGE_LIMITS.maxDays, `a period spans at most ${RANGE_LIMITS.maxDays} days (10 years)`)

export type StatsParams = z.infer<typeof StatsParamsSchema>

export const BreakdownParamsSchema = z.object({ dimension: z.enum(DIMENSIONS) })

export function parseFilter(filter: string | undefined): { dimension: string; value: string } | undefined {
  if (!filter) return undefined
  const i = filter.indexOf(':')
  return { dimension: filter.slice(0, i), value: filter.slice(i + 1) }
}
