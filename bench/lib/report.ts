import type { TargetResult } from '../ingest.ts'
import { formatSpread } from './spread.ts'

/** Request-to-response time inside the server (warm-up included), apart from queueing and connecting. */
export const serverP99 = (t: TargetResult): string => String((t.final.serverMs as { p99?: number } | undefined)?.p99 ?? '–')

/** The ingest results as Markdown table lines. */
export function ingestTable(results: readonly TargetResult[]): string[] {
  return [
    '| target | req/s (average) | req/s per second: median (min–max) | p50 ms | p99 ms | in-server p99 ms | errors | non-2xx (bots get 403) | server CPU µs/req (collector loops; store) | load generator CPU µs/req | RSS MiB (end, per collector; store) | accepted | stored |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (t) =>
        `| ${t.target} | ${t.reqPerSec} | ${formatSpread(t.reqPerSecSpread)} | ${t.p50Ms} | ${t.p99Ms} | ${serverP99(t)} | ${t.errors} | ${t.non2xx} | ${t.cpuUsPerRequest.server} (${t.cpuUsPerRequest.eventLoop}; ${t.cpuUsPerRequest.store}) | ${t.cpuUsPerRequest.loadGenerator} | ${t.rssStartMiB} → ${t.rssEndMiB} (${t.rssEndByProcessMiB.collectors.join(' + ')}${t.rssEndByProcessMiB.store === undefined ? '' : `; ${t.rssEndByProcessMiB.store}`}) | ${t.final.accepted ?? '–'} | ${t.final.stored ?? '–'} |`,
    ),
  ]
}

/** Throughput of a over b, to three places. */
export const ratio = (a: TargetResult, b: TargetResult): number => Number((a.reqPerSec / b.reqPerSec).toFixed(3))
