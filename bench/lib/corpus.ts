import { readFileSync } from 'node:fs'

export interface Corpus {
  sites: string[]
  userAgents: { ua: string; weight: number; kind: string; width: number; language: string }[]
  paths: string[]
  referrers: string[]
  campaigns: string[]
  events: { n: string; weight: number; p?: Record<string, string[]> }[]
}

export function loadCorpus(): Corpus {
  return JSON.parse(readFileSync(new URL('../corpus/corpus.json', import.meta.url), 'utf8')) as Corpus
}


/** Draws from items by weight (cumulative table, binary search). */
export function weighted<T>(items: readonly T[], weight: (x: T) => number, rand: () => number): () => T {
  const cum: number[] = []
  let total = 0
  for (const x of items) cum.push((total += weight(x)))
  return () => {
    const r = rand() * total
    let lo = 0
    let hi = cum.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cum[mid]! < r) lo = mid + 1
      else hi = mid
    }
    return items[lo]!
  }
}

/** Zipf (s = 1) over items in rank order. */
export function zipf<T>(items: readonly T[], rand: () => number): () => T {
  const draw = weighted(items.map((x, i) => ({ x, w: 1 / (i + 1) })), (e) => e.w, rand)
  return () => draw().x
}
