import { z } from 'zod'

/** Umami's POST /api/send body (tracker v2): only `event` is accepted; `identify` is refused on purpose. */
export const UmamiBodySchema = z.object({
  type: z.literal('event', { error: 'type: only "event" is accepted (no visitor identification)' }),
  payload: z.object({
    website: z.string().min(1).max(200),
    hostname: z.string().min(1).max(253),
    url: z.string().min(1).max(2048),
    referrer: z.string().max(2048).optional(),
    title: z.string().max(500).optional(),
    screen: z.string().regex(/^\d{1,6}x\d{1,6}$/).optional(),
    language: z.string().max(35).optional(),
    name: z.string().min(1).max(120).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    tag: z.string().max(100).optional(),
    id: z.string().max(100).optional(),
  }),
})

export type UmamiBody = z.infer<typeof UmamiBodySchema>
