import { z } from 'zod'
import { DIMENSIONS } from './vocabulary.ts'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')

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

export type StatsParams = z.infer<typeof StatsParamsSchema>

export const BreakdownParamsSchema = z.object({ dimension: z.enum(DIMENSIONS) })

export function parseFilter(filter: string | undefined): { dimension: string; value: string } | undefined {
  if (!filter) return undefined
  const i = filter.indexOf(':')
  return { dimension: filter.slice(0, i), value: filter.slice(i + 1) }
}
