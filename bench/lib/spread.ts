/** A figure from repeated samples: its median and the range it moved in, so a change can be judged against noise. */
export interface Spread {
  median: number
  min: number
  max: number
  samples: number
}

const round = (x: number) => Math.round(x * 10) / 10

export function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  return { median: round(median), min: round(s[0]!), max: round(s[s.length - 1]!), samples: s.length }
}

/** "median (min–max)", as the reports print it. */
export const formatSpread = (s: Spread): string => `${s.median} (${s.min}–${s.max})`
