/**
 * A profiling window inside a target server, opened and closed by SIGUSR2 (SIGUSR1 is
 * the inspector's): a CPU profile of the event loop (the inspector's sampler), a
 * sampled allocation profile, and every GC with the heap before and after it
 * (v8.GCProfiler), so warm-up and shutdown stay out.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { GCProfiler } from 'node:v8'

interface GcEvent {
  gcType: string
  cost: number
  beforeGC: { heapStatistics: { usedHeapSize: number } }
  afterGC: { heapStatistics: { usedHeapSize: number } }
}

export interface GcSummary {
  /** Collections by V8's kind (Scavenge, MarkSweepCompact, ...): count and total pause in ms. */
  byType: Record<string, { count: number; ms: number }>
  /** Bytes the collections freed: in steady state, what the window allocated on the heap. */
  freedBytes: number
}

function summariseGc(events: GcEvent[]): GcSummary {
  const byType: GcSummary['byType'] = {}
  let freedBytes = 0
  for (const e of events) {
    const t = (byType[e.gcType] ??= { count: 0, ms: 0 })
    t.count += 1
    t.ms += e.cost / 1000
    freedBytes += Math.max(0, e.beforeGC.heapStatistics.usedHeapSize - e.afterGC.heapStatistics.usedHeapSize)
  }
  return { byType, freedBytes }
}

/**
 * Installs the SIGUSR2 toggle; the second signal writes profile.cpuprofile, heap.json and
 * gc.json to `dir`, and prints "profiled".
 */
export function profileOnSignal(dir: string, samplingIntervalUs = 200): void {
  const session = new Session()
  session.connect()
  let gc: GCProfiler | undefined
  process.on('SIGUSR2', () => {
    if (!gc) {
      gc = new GCProfiler()
      void session
        .post('Profiler.enable')
        .then(() => session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs }))
        .then(() => session.post('Profiler.start'))
        .then(() => session.post('HeapProfiler.enable'))
        .then(() => session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }))
        .then(() => {
          gc!.start()
          process.stdout.write('profiling\n')
        })
      return
    }
    const gcEvents = (gc.stop() as { statistics: GcEvent[] }).statistics
    void Promise.all([session.post('Profiler.stop'), session.post('HeapProfiler.stopSampling')]).then(([{ profile }, { profile: heap }]) => {
      writeFileSync(join(dir, 'profile.cpuprofile'), JSON.stringify(profile))
      writeFileSync(join(dir, 'heap.json'), JSON.stringify(heap))
      writeFileSync(join(dir, 'gc.json'), JSON.stringify(summariseGc(gcEvents)))
      process.stdout.write('profiled\n')
    })
  })
}
