import { readdirSync, readFileSync } from 'node:fs'

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100

function ticks(statPath: string): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = readFileSync(statPath, 'utf8').split(') ')[1]!.split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return 0
  }
}

/** CPU seconds a process has used (all threads), and its main thread alone. */
export function cpuSeconds(pid: number): { process: number; main: number } {
  return { process: ticks(`/proc/${pid}/stat`) / TICKS_PER_SECOND, main: ticks(`/proc/${pid}/task/${pid}/stat`) / TICKS_PER_SECOND }
}

/**
 * CPU seconds of a process's threads, summed by thread name with digits dropped
 * (libuv's worker threads, V8's helpers, the engine's pools), so a profile can say which
 * kind of thread spent what.
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>()
  let tids: string[]
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return byName
  }
  for (const tid of tids) {
    let name: string
    try {
      name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+/g, '')
    } catch {
      continue
    }
    if (tid === String(pid)) name = `${name} (main)`
    byName.set(name, (byName.get(name) ?? 0) + ticks(`/proc/${pid}/task/${tid}/stat`) / TICKS_PER_SECOND)
  }
  return byName
}
