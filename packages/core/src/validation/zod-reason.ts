import type { z } from 'zod'

/**
 * The short reason a 4xx answer gives for a refused input: the first issue, named by
 * its field path ("payload.screen: Invalid string"), or by `whole` when it concerns
 * the input as a whole. `prefix` names the container the path is relative to.
 */
export function zodReason(error: z.ZodError, whole = 'body', prefix = ''): string {
  const issue = error.issues[0]
  if (!issue) return `${prefix}${whole}: invalid`
  return `${prefix}${issue.path.map(String).join('.') || whole}: ${issue.message}`
}
