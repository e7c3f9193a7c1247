import type { WireEvent } from '@quiet-analytics/core'
import { processEvent, type DropReason, type Outcome, type PipelineDeps, type RequestContext } from './process-event.ts'

export interface IngestSink {
  /**
   * 'full' turns into 503 + Retry-After: accepted events are never silently dropped. A
   * promise (durable sites) resolves once the event is stored or fsynced in the spool.
   */
  enqueue(outcome: Extract<Outcome, { kind: 'accept' }>): 'ok' | 'full' | 'closed' | Promise<void>
  dropped(outcome: Extract<Outcome, { kind: 'drop' }>): void
  /** A refused input; `siteId` when it named a configured site, so the site's maintainers see it. */
  invalid(siteId?: string): void
}

/**
 * What became of one event, whatever its entry (HTTP, pixel, Umami, server-side): the
 * one result type. HTTP turns it into a status code; server-side tracking returns it.
 */
export type Recorded =
  | { status: 'accepted' }
  | { status: 'dropped'; reason: DropReason }
  | { status: 'rejected'; code: 400 | 403 | 404; reason: string }
  | { status: 'unavailable'; why: 'full' | 'closed' }

/**
 * Runs one event through the pipeline and hands the outcome to the sink: shared by HTTP
 * and server-side tracking. Synchronous whenever the pipeline is.
 */
export function recordEvent(event: WireEvent, ctx: RequestContext, pipeline: PipelineDeps, sink: IngestSink): Recorded | Promise<Recorded> {
  const outcome = processEvent(event, ctx, pipeline)
  return outcome instanceof Promise ? outcome.then((o) => settle(o, sink)) : settle(outcome, sink)
}

const ACCEPTED: Recorded = { status: 'accepted' }

function settle(outcome: Outcome, sink: IngestSink): Recorded | Promise<Recorded> {
  switch (outcome.kind) {
    case 'reject':
      sink.invalid(outcome.siteId)
      return { status: 'rejected', code: outcome.status, reason: outcome.reason }
    case 'drop':
      sink.dropped(outcome)
      return { status: 'dropped', reason: outcome.reason }
    case 'accept': {
      const r = sink.enqueue(outcome)
      if (r instanceof Promise) return r.then(() => ACCEPTED)
      return r === 'ok' ? ACCEPTED : { status: 'unavailable', why: r }
    }
  }
}
