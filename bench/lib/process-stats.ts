import { readFileSync } from 'node:fs'

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
