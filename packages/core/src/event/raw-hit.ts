import { z } from 'zod'

const dim = (max: number) => z.string().max(max)

/**
 * One row of raw_hits: exactly the minimal columns of DESIGN invariant 3.
 * No IP, no full user-agent, no full referrer URL.
 */
export const RawHitSchema = z.strictObject({
  ts: z.number().int().nonnegative().describe('time the collector received the event; orders hits into visits and time buckets'),
  site_id: dim(100).describe('which configured site the event belongs to'),
  visitor_id: z
    .string()
    .regex(/^\d{1,20}$/)
    .describe('64-bit salted daily hash of site, IP and user-agent; groups hits into visits and counts unique visitors per day'),
  name: dim(120).describe('event name: pageview, engagement or a custom event'),
  hostname: dim(253).describe('host of the page, for sites on several hosts'),
  path: dim(2048).describe('page path without query string (except allowlisted parameters) and fragment'),
  referrer_host: dim(253).describe('host name of the referring page, never its full URL'),
  source: dim(100).describe('traffic source classified from referrer or utm_source'),
  utm_source: dim(200).describe('campaign tag from the page URL'),
  utm_medium: dim(200).describe('campaign tag from the page URL'),
  utm_campaign: dim(200).describe('campaign tag from the page URL'),
  utm_term: dim(200).describe('campaign tag from the page URL'),
  utm_content: dim(200).describe('campaign tag from the page URL'),
  browser: dim(64).describe('browser family parsed from the user-agent, which is not kept'),
  browser_version: dim(32).describe('browser major.minor version'),
  os: dim(64).describe('operating system parsed from the user-agent'),
  os_version: dim(32).describe('operating system major.minor version'),
  device: z.enum(['desktop', 'mobile', 'tablet', 'other', '']).describe('device class'),
  country: z
    .string()
    .regex(/^([A-Z]{2})?$/)
    .describe('country looked up from the truncated IP address'),
  screen_class: z.enum(['mobile', 'tablet', 'laptop', 'desktop', '']).describe('screen width class, never the exact width'),
  language: dim(16).describe('primary browser language, e.g. "de"'),
  engagement_ms: z.number().int().min(0).describe('time the page was visible (engagement events)'),
  scroll_depth: z.number().int().min(0).max(100).describe('deepest scroll in percent (engagement events)'),
  props: z.record(z.string(), z.string()).describe('custom event properties, bounded, with addresses and e-mails redacted'),
})

export type RawHit = z.infer<typeof RawHitSchema>

/** Column names of raw_hits, in schema order: the audit compares them with the live table. */
export const RAW_HIT_COLUMNS = Object.keys(RawHitSchema.shape) as (keyof RawHit)[]

/** Columns of raw_hits the store fills in itself, with why each is kept. */
export const RAW_STORE_COLUMNS: Record<string, string> = {
  inserted_at: 'when the store took the row: tells a row that arrived after its day was closed, which is counted as late and never aggregated',
}
