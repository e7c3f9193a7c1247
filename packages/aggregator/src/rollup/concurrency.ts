/**
 * Waits for every statement started together, then fails with the first error: a
 * rollup never moves on (or drops its work rows) while a sibling statement still runs.
 */
export async function settled(work: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}

/**
 * `fn` over the items, at most `limit` at a time, results in the items' order. After a
 * failure no new item starts; the error comes once the running ones have settled.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  let next = 0
  let failed = false
  const lane = async () => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i]!)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  await settled(Array.from({ length: Math.min(limit, items.length) }, lane))
  return results
}
