import type { RawHit } from '@quiet-analytics/core'
import { parseUserAgent } from '@quiet-analytics/collector'
import { prng } from '../../test/fixtures/random.ts'
import { rawHit } from '../../test/fixtures/raw-hit.ts'
import { weighted, zipf, type Corpus } from './corpus.ts'

const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'CA', 'NL', 'BR', 'ES', 'IT', 'PL', 'SE', 'AU', 'JP', 'CH', 'AT', 'BE', 'DK', 'NO', 'FI', 'CZ', 'PT', 'IE', 'RO', 'MX', 'AR', 'TR', 'UA', 'ZA', 'SG', 'KR', 'ID', 'PH', 'VN', 'NG', 'EG', 'IL', 'NZ', 'GR', 'HU']
const LANGS = ['en', 'de', 'fr', 'es', 'pt', 'it', 'nl', 'pl', 'sv', 'ja']

/**
 * Raw hits for one site-day shaped like real traffic: visitors with one to three
 * visits, Zipf pages and referrers, observed browser mix, engagement and custom
 * events. Rows are produced in chunks so a large day never sits in memory at once.
 */
export function* rawDay(corpus: Corpus, opts: { siteId: string; dayStartMs: number; pageviews: number; seed: number; chunk?: number }): Generator<RawHit[]> {
  const rand = prng(opts.seed)
  const humans = corpus.userAgents.filter((u) => u.kind !== 'bot').map((u) => ({ ...u, parsed: parseUserAgent(u.ua) }))
  const ua = weighted(humans, (u) => u.weight, rand)
  const path = zipf(corpus.paths, rand)
  const referrer = zipf(['', ...corpus.referrers.map((r) => new URL(r).hostname.replace(/^www\./, ''))], rand)
  const country = zipf(COUNTRIES, rand)
  const lang = zipf(LANGS, rand)
  let rows: RawHit[] = []
  let pageviews = 0
  let v = 0
  while (pageviews < opts.pageviews) {
    v++
    const visitor = String(BigInt(v) * 2654435761n + 97n)
    const u = ua()
    const c = country()
    const l = lang()
    let t = opts.dayStartMs + Math.floor(rand() * 20 * 3600) * 1000
    const visits = rand() < 0.7 ? 1 : rand() < 0.8 ? 2 : 3
    for (let k = 0; k < visits; k++) {
      const ref = referrer()
      const utm = rand() < 0.08 ? 'newsletter' : ''
      const pages = 1 + Math.floor(-Math.log(1 - rand()) * 1.5)
      for (let p = 0; p < pages; p++) {
        const first = p === 0
        const base = rawHit(opts.siteId, visitor, {
          ts: t,
          path: path(),
          referrer_host: first ? ref : '',
          source: first ? utm || ref : '',
          utm_source: first ? utm : '',
          utm_medium: first && utm ? 'email' : '',
          utm_campaign: first && utm ? 'november' : '',
          browser: u.parsed.browser,
          browser_version: u.parsed.browser_version,
          os: u.parsed.os,
          os_version: u.parsed.os_version,
          device: u.parsed.device,
          country: c,
          screen_class: u.width < 576 ? 'mobile' : u.width < 992 ? 'tablet' : u.width < 1440 ? 'laptop' : 'desktop',
          language: l,
        })
        rows.push(base)
        pageviews++
        if (rand() < 0.6) {
          t += 1000 + Math.floor(rand() * 90_000)
          rows.push({ ...base, ts: t, name: 'engagement', engagement_ms: 1000 + Math.floor(rand() * 90_000), scroll_depth: Math.floor(rand() * 101) })
        }
        if (rand() < 0.03) rows.push({ ...base, ts: t + 500, name: 'Signup', props: { plan: rand() < 0.7 ? 'free' : 'pro' } })
        t += 5000 + Math.floor(rand() * 240_000)
      }
      t += 31 * 60_000 + Math.floor(rand() * 3 * 3600_000)
    }
    if (rows.length >= (opts.chunk ?? 50_000)) {
      yield rows
      rows = []
    }
  }
  if (rows.length > 0) yield rows
}
