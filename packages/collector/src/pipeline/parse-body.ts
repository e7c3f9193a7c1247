import { normaliseWireKeys, WireEventSchema, zodReason, type WireEvent } from '@quiet-analytics/core'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A refused input is a 400 unless it names something that does not exist (404). */
export type ParseResult = { ok: true; event: WireEvent } | { ok: false; status?: 404; reason: string; domain?: string }

/** Bytes to JSON, refusing invalid UTF-8 rather than replacing it. */
export function parseJson(body: Uint8Array): { ok: true; json: unknown } | { ok: false; reason: string } {
  let text: string
  try {
    text = utf8.decode(body)
  } catch {
    return { ok: false, reason: 'body is not valid UTF-8' }
  }
  try {
    return { ok: true, json: JSON.parse(text) }
  } catch {
    return { ok: false, reason: 'body is not valid JSON' }
  }
}

/** Bytes to a validated wire event: strict UTF-8, JSON, then the zod schema. */
export function parseEventBody(body: Uint8Array): ParseResult {
  const decoded = parseJson(body)
  return decoded.ok ? validateEvent(decoded.json) : decoded
}

/** A decoded value to a wire event, long field names accepted; the first issue names the field. */
export function validateEvent(json: unknown): ParseResult {
  const parsed = WireEventSchema.safeParse(normaliseWireKeys(json))
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, reason: zodReason(parsed.error), domain: claimedDomain(json) }
}

/** The domain an invalid body claims, so its refusal is counted for that site. */
function claimedDomain(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined
  const d = (json as Record<string, unknown>).d ?? (json as Record<string, unknown>).domain
  return typeof d === 'string' ? d : undefined
}
