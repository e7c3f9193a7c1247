import { createHash } from 'node:crypto'
import { z } from 'zod'

/** One step: a pageview of a path pattern (`*` matches anything), or a custom event, optionally with one property value. */
export const FunnelStepSchema = z
  .strictObject({
    page: z.string().startsWith('/').max(2048).optional(),
    event: z.string().min(1).max(120).optional(),
    property: z.strictObject({ key: z.string().min(1).max(300), value: z.string().min(1).max(2000) }).optional(),
  })
  .refine((s) => (s.page === undefined) !== (s.event === undefined), 'a step has either a page or an event')
  .refine((s) => s.property === undefined || s.event !== undefined, 'only an event step has a property')

export const FunnelSchema = z.strictObject({
  name: z.string().min(1).max(120),
  /** `eventually`: each step later in the visit, anything between; `directly`: each step the visit's next hit. */
  order: z.enum(['eventually', 'directly']).default('eventually'),
  steps: z.array(FunnelStepSchema).min(2, 'at least 2 steps').max(8, 'at most 8 steps'),
})

export type FunnelStep = z.infer<typeof FunnelStepSchema>
export type Funnel = z.infer<typeof FunnelSchema>

/** How a step reads on the dashboard: `/pricing`, `Signup`, `Signup plan=pro`. */
export function stepLabel(step: FunnelStep): string {
  return step.page ?? `${step.event}${step.property ? ` ${step.property.key}=${step.property.value}` : ''}`
}

/**
 * What the stored counts were computed for: counts under another definition (a step
 * changed, the order) are never mixed with the current ones.
 */
export function funnelDefinition(funnel: Funnel): string {
  const canonical = JSON.stringify({ order: funnel.order, steps: funnel.steps.map((s) => [s.page ?? '', s.event ?? '', s.property?.key ?? '', s.property?.value ?? '']) })
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16)
}
