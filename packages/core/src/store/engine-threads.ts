import { readdirSync, readFileSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/** Nice value of the embedded engine's threads: below the event loop, above nothing else of ours. */
export const ENGINE_NICE = 10

const threadName = (tid: string): string | undefined => {
  try {
    return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()
  } catch {
    return undefined
  }
}

/**
 * Lowers the CPU priority of the embedded engine's threads (named by ClickHouse:
 * QueryPipelineEx, MergeMutate, ...) below the Node threads that answer HTTP. Inserts
 * and merges come in bursts; at equal priority they took the event loop's core from
 * under it and halved ingest throughput on a busy machine. Linux only; elsewhere it
 * does nothing. Returns how many threads it lowered this time.
 */
export function lowerEngineThreadPriority(nice = ENGINE_NICE): number {
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return 0
  }
  const own = threadName(String(process.pid))
  let lowered = 0
  for (const tid of tids) {
    const name = threadName(tid)
    if (name === undefined || name === own) continue
    try {
      if (getPriority(Number(tid)) >= nice) continue
      setPriority(Number(tid), nice)
      lowered++
    } catch {
      // The thread ended meanwhile.
    }
  }
  return lowered
}
