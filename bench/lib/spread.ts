/** A figure from repeated samples: its median and the range it moved in, so a change can be judged against noise. */
export interface Spread {
  median: number
  min: number
  max: number
  samples: number
}

/** Milliseconds and rates to a tenth; ratios need `digits` = 3. */
export function spread(xs: readonly number[], digits = 1): Spread {
  const round = (x: number) => Number(x.toFixed(digits))
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  return { median: round(median), min: round(s[0]!), max: round(s[s.length - 1]!), samples: s.length }
}

/** "median (min–max)", as the reports print it. */
export const formatSpread = (s: Spread): string => `${s.median} (${s.min}–${s.max})`

/** Runs `work` n times in a row and returns its spread in milliseconds. */
export async function timeRuns(n: number, work: () => Promise<unknown>): Promise<Spread> {
  const ms: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await work()
    ms.push(performance.now() - t)
  }
  return spread(ms)
}
