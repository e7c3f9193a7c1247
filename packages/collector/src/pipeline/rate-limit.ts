/**
 * Fixed one-minute windows per key (a truncated IP). The map is cleared each window,
 * so memory is bounded by the distinct keys of one minute.
 */
export function perMinuteLimiter(limit: number, now: () => number): (key: string) => boolean {
  if (limit <= 0) return () => true
  let window = Math.floor(now() / 60_000)
  let counts = new Map<string, number>()
  return (key) => {
    const w = Math.floor(now() / 60_000)
    if (w !== window) {
      window = w
      counts = new Map()
    }
    const n = (counts.get(key) ?? 0) + 1
    counts.set(key, n)
    return n <= limit
  }
}
