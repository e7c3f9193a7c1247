import { z } from 'zod'

const dim = (max: number) => z.string().max(max)

/**
 * One row of raw_hits: exactly the minimal columns of DESIGN invariant 3.
 * No IP, no full user-agent, no full referrer URL.
 */
export const RawHitSchema = z.strictObject({
  ts: z.number().int().nonnegative(),
  site_id: dim(100),
  /** 64-bit salted visitor hash as a decimal string. */
  visitor_id: z.string().regex(/^\d{1,20}$/),
  name: dim(120),
  hostname: dim(253),
  path: dim(2048),
  referrer_host: dim(253),
  source: dim(100),
  utm_source: dim(200),
  utm_medium: dim(200),
  utm_campaign: dim(200),
  utm_term: dim(200),
  utm_content: dim(200),
  browser: dim(64),
  browser_version: dim(32),
  os: dim(64),
  os_version: dim(32),
  device: z.enum(['desktop', 'mobile', 'tablet', 'other', '']),
  country: z.string().regex(/^([A-Z]{2})?$/),
  screen_class: z.enum(['mobile', 'tablet', 'laptop', 'desktop', '']),
  language: dim(16),
  engagement_ms: z.number().int().min(0),
  scroll_depth: z.number().int().min(0).max(100),
  props: z.record(z.string(), z.string()),
})

export type RawHit = z.infer<typeof RawHitSchema>

/** Column names of raw_hits, in schema order: the audit compares them with the live table. */
export const RAW_HIT_COLUMNS = Object.keys(RawHitSchema.shape) as (keyof RawHit)[]
