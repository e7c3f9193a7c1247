import { z } from 'zod'

export const PROPS_MAX_KEYS = 30
export const PROP_KEY_MAX = 300
export const PROP_VALUE_MAX = 2000

const propValue = z.union([z.string().max(PROP_VALUE_MAX), z.number().finite(), z.boolean()]).transform(String)

const propsObject = z
  .record(z.string().min(1).max(PROP_KEY_MAX), propValue.nullable())
  .refine((p) => Object.keys(p).length <= PROPS_MAX_KEYS, `at most ${PROPS_MAX_KEYS} props`)
  .transform((p) => {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(p)) if (v !== null) out[k] = v
    return out
  })

/** Plausible sends props as an object, older snippets as a JSON string of one. */
const props = z.preprocess((v) => {
  if (typeof v !== 'string') return v
  try {
    return JSON.parse(v)
  } catch {
    return v
  }
}, propsObject)

/** A number clamped into [min, max]: clients measure with clocks and layouts that overshoot. */
const clamped = (min: number, max: number) =>
  z
    .number()
    .finite()
    .transform((n) => Math.min(max, Math.max(min, Math.round(n))))

/**
 * The tracker wire format: the body of Plausible's Events API as its trackers send it
 * (n, v, u, d, r, w, h, p or m, i, $, and the engagement fields e and sd), so existing
 * snippets can point here. Long names (name, url, domain, referrer, props,
 * screen_width) are accepted too. Strict: a misspelt field is refused by name.
 */
export const WireEventSchema = z.strictObject({
  n: z.string().trim().min(1).max(120),
  u: z.string().min(1).max(2048).refine((u) => URL.canParse(u), 'an absolute URL'),
  d: z.string().trim().toLowerCase().min(1).max(1000),
  r: z.string().max(2048).nullish(),
  w: z.number().int().min(0).max(100_000).nullish(),
  h: z.union([z.boolean(), z.literal(0), z.literal(1)]).nullish(),
  p: props.nullish(),
  /** Engagement time in ms (engagement events), at most a day. */
  e: clamped(0, 86_400_000).nullish(),
  /** Scroll depth in percent (engagement events); a page that shrank while read overshoots 100. */
  sd: clamped(0, 100).nullish(),
  /** The tracker's version (Plausible's `v`); accepted and ignored. */
  v: z.union([z.number(), z.string().max(40)]).nullish(),
  /** Plausible's interactive flag; accepted and ignored. */
  i: z.boolean().nullish(),
  /** Plausible's revenue object; accepted, not stored yet. */
  $: z.unknown().optional(),
})

const LONG_NAMES: ReadonlyMap<string, string> = new Map(Object.entries({
  name: 'n',
  url: 'u',
  domain: 'd',
  referrer: 'r',
  screen_width: 'w',
  hash: 'h',
  props: 'p',
  m: 'p',
  meta: 'p',
  engagement_time: 'e',
  scroll_depth: 'sd',
  interactive: 'i',
  revenue: '$',
}))

/** Every field name the wire format accepts, short and long: compatibility tests check what real clients send against it. */
export const WIRE_FIELDS: ReadonlySet<string> = new Set([...Object.keys(WireEventSchema.shape), ...LONG_NAMES.keys()])

const isLongName = (k: string) => LONG_NAMES.has(k)

/** Maps long field names to the short ones before validation. */
export function normaliseWireKeys(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body
  const keys = Object.keys(body)
  // The tracker sends short names: the event is then validated as it came, with no copy.
  if (!keys.some(isLongName)) return body
  const out: Record<string, unknown> = {}
  for (const k of keys) out[LONG_NAMES.get(k) ?? k] = (body as Record<string, unknown>)[k]
  return out
}

export type WireEvent = z.infer<typeof WireEventSchema>
