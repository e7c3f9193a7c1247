import { prng } from '../../test/fixtures/random.ts'
import { weighted, zipf, type Corpus } from './corpus.ts'

export interface IngestRequest {
  body: string
  headers: Record<string, string>
}

function publicIpv4(rand: () => number): string {
  for (;;) {
    const a = 1 + Math.floor(rand() * 223)
    if (a === 10 || a === 127 || a === 172 || a === 192 || a === 100 || a === 169) continue
    return `${a}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`
  }
}

function ipv6(rand: () => number): string {
  const g = () => Math.floor(rand() * 0x10000).toString(16)
  return `2a0${Math.floor(rand() * 9)}:${g()}:${g()}:${g()}:${g()}:${g()}:${g()}:${g()}`
}

/**
 * A realistic mix of tracker requests: user-agents by observed weight (about 5% bots),
 * Zipf-distributed paths, referrers and sites, campaigns, screen widths and languages,
 * and client addresses passed in X-Forwarded-For (the collector trusts loopback).
 */
export function buildRequests(corpus: Corpus, count: number, seed = 1): IngestRequest[] {
  const rand = prng(seed)
  const ua = weighted(corpus.userAgents, (u) => u.weight, rand)
  const path = zipf(corpus.paths, rand)
  const site = zipf(corpus.sites, rand)
  const referrer = zipf(corpus.referrers, rand)
  const event = weighted(corpus.events, (e) => e.weight, rand)
  const out: IngestRequest[] = []
  for (let i = 0; i < count; i++) {
    const u = ua()
    const e = event()
    const d = site()
    const campaign = corpus.campaigns[Math.floor(rand() * corpus.campaigns.length)]!
    const body: Record<string, unknown> = {
      n: e.n,
      u: `https://${d}${path()}${campaign ? `?${campaign}` : ''}`,
      d,
      r: rand() < 0.45 ? referrer() : null,
      w: u.width || 1280,
    }
    if (e.n === 'engagement') Object.assign(body, { e: 1000 + Math.floor(rand() * 120_000), sd: Math.floor(rand() * 101) })
    if (e.p) body.p = Object.fromEntries(Object.entries(e.p).map(([k, vs]) => [k, vs[Math.floor(rand() * vs.length)]]))
    out.push({
      body: JSON.stringify(body),
      headers: {
        'content-type': 'text/plain',
        'user-agent': u.ua,
        'accept-language': u.language || 'en-US',
        'x-forwarded-for': rand() < 0.2 ? ipv6(rand) : publicIpv4(rand),
      },
    })
  }
  return out
}
