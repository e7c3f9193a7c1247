/**
 * Waits for every statement started together, then fails with the first error: a
 * rollup never moves on (or drops its work rows) while a sibling statement still runs.
 */
export async function settled(work: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}
