import { scrubText } from '@quiet-analytics/core'

export const STORED_PROP_KEYS = 16
export const STORED_KEY_MAX = 64
export const STORED_VALUE_MAX = 256

/**
 * Bounds props for storage and keeps personal data out of them: keys and values go
 * through the scrubber; URL values lose query and fragment.
 */
export function sanitiseProps(props: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!props) return out
  let n = 0
  for (const [rawKey, rawValue] of Object.entries(props)) {
    if (n === STORED_PROP_KEYS) break
    const key = scrubText(rawKey.trim()).slice(0, STORED_KEY_MAX)
    if (!key || key === '__proto__' || key === 'constructor' || key === 'prototype') continue
    out[key] = sanitiseValue(rawValue.trim()).slice(0, STORED_VALUE_MAX)
    n++
  }
  return out
}

function sanitiseValue(value: string): string {
  if (/^https?:\/\//i.test(value) && URL.canParse(value)) {
    const url = new URL(value)
    return scrubText(`${url.origin}${url.pathname}`)
  }
  return scrubText(value)
}
