import { z } from 'zod'
import { dayCount } from '@quiet-analytics/core'
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
  .refine((p) => p.period !== 'custom' || !p.from || !p.to || dayCount(p.from, p.to) <= RANGE_LIMITS.maxDays, `a period spans at most ${RANGE_LIMITS.maxDays} days (10 years)`)

export type StatsParams = z.infer<typeof StatsParamsSchema>

export const BreakdownParamsSchema = z.object({ dimension: z.enum(DIMENSIONS) })

export function parseFilter(filter: string | undefined): { dimension: string; value: string } | undefined {
  if (!filter) return undefined
  const i = filter.indexOf(':')
  return { dimension: filter.slice(0, i), value: filter.slice(i + 1) }
}

const PROP_PREFIX = 'event:props:'

/**
 * `/api/stats/breakdown?property=`: a dimension by name, or one property of a custom
 * event (`event:props:plan` with `event=Signup`), as Plausible's Stats API names them.
 */
export const PropertyQuerySchema = z
  .object({
    property: z.string().min(1).max(PROP_PREFIX.length + 300),
    event: z.string().min(1).max(120).optional(),
  })
  .transform((q, ctx) => {
    if (q.property.startsWith(PROP_PREFIX) && q.property.length > PROP_PREFIX.length) {
      if (q.event === undefined) {
        ctx.addIssue({ code: 'custom', path: ['event'], message: 'a property breakdown names its custom event (event=NAME)' })
        return z.NEVER
      }
      return { kind: 'prop' as const, event: q.event, key: q.property.slice(PROP_PREFIX.length) }
    }
    const dimension = DIMENSIONS.find((d) => d === q.property)
    if (!dimension) {
      ctx.addIssue({ code: 'custom', path: ['property'], message: `a dimension (${DIMENSIONS.join(', ')}) or ${PROP_PREFIX}KEY` })
      return z.NEVER
    }
    return { kind: 'dimension' as const, dimension }
  })

export const EventQuerySchema = z.object({ event: z.string().min(1).max(120) })

/** `/api/stats/funnel?funnel=NAME`: one of the site's funnels. */
export const FunnelQuerySchema = z.object({ funnel: z.string().min(1).max(120) })
