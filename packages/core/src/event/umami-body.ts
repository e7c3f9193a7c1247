import { z } from 'zod'

/**
 * Umami's POST /api/send body, as its browser tracker and `@umami/node` send it: only
 * `event` is accepted; `identify` is refused on purpose. Fields of the payload we do
 * not know are ignored, as Umami itself does: a client's next version keeps working.
 */
export const UmamiBodySchema = z.object({
  type: z.literal('event', { error: 'only "event" is accepted (no visitor identification)' }),
  payload: z.object({
    website: z.string().min(1).max(200),
    /** `@umami/node` sends none: the site's first domain is used. */
    hostname: z.string().min(1).max(253).optional(),
    /** `@umami/node`'s `track('Name', data)` sends none: the event is on "/". */
    url: z.string().min(1).max(2048).optional(),
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

/** The payload fields of Umami's clients that we read or knowingly ignore: compatibility tests compare what they send against it. */
export const UMAMI_PAYLOAD_FIELDS: ReadonlySet<string> = new Set(Object.keys(UmamiBodySchema.shape.payload.shape))

export type UmamiBody = z.infer<typeof UmamiBodySchema>
