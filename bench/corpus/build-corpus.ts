/**
 * Assembles bench/corpus/corpus.json from real-world user-agent data shipped as npm
 * packages: browser user-agents with their observed traffic weights, viewport widths
 * and languages (user-agents), and crawler user-agents (crawler-user-agents). Paths,
 * referrers and campaigns are generated with a fixed seed. Run: pnpm bench:corpus
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { prng } from '../../test/fixtures/random.ts'

interface UaRecord {
  userAgent: string
  weight: number
  deviceCategory: string
  viewportWidth: number
  language?: string
}
const modules = new URL('../../node_modules/', import.meta.url)
const readJson = <T,>(file: string) => JSON.parse(readFileSync(new URL(file, modules), 'utf8')) as T
const browsers = readJson<UaRecord[]>('user-agents/dist/user-agents.json')
const crawlers = readJson<{ instances: string[] }[]>('crawler-user-agents/crawler-user-agents.json')

const rand = prng(2026)

const byUa = new Map<string, { ua: string; weight: number; kind: string; width: number; language: string }>()
for (const b of browsers) {
  const seen = byUa.get(b.userAgent)
  if (seen) seen.weight += b.weight
  else byUa.set(b.userAgent, { ua: b.userAgent, weight: b.weight, kind: b.deviceCategory, width: b.viewportWidth, language: b.language ?? 'en-US' })
}
const human = [...byUa.values()].sort((a, b) => b.weight - a.weight)
const humanWeight = human.reduce((s, h) => s + h.weight, 0)
// Bots are about 5% of requests, spread over many crawlers with a skew of their own.
const botUas = [...new Set(crawlers.flatMap((c) => c.instances))].slice(0, 400)
const bots = botUas.map((ua, i) => ({ ua, weight: (humanWeight * 0.05 * (1 / (i + 1))) / botUas.reduce((s, _, j) => s + 1 / (j + 1), 0), kind: 'bot', width: 0, language: '' }))

const words = ['analytics', 'privacy', 'pricing', 'docs', 'guide', 'release', 'notes', 'install', 'api', 'events', 'goals', 'funnels', 'teams', 'security', 'changelog', 'compare', 'migrate', 'self-host', 'cloud', 'about']
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
const paths = new Set<string>(['/', '/pricing', '/docs', '/blog', '/about', '/contact', '/login', '/signup'])
while (paths.size < 600) {
  const kind = rand()
  if (kind < 0.4) paths.add(`/blog/${pick(words)}-${pick(words)}-${Math.floor(rand() * 90) + 10}`)
  else if (kind < 0.75) paths.add(`/docs/${pick(words)}/${pick(words)}`)
  else paths.add(`/products/${Math.floor(rand() * 5000)}`)
}

const referrers = [
  'https://www.google.com/', 'https://www.google.de/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://news.ycombinator.com/',
  'https://www.reddit.com/r/selfhosted/', 'https://t.co/abc123', 'https://www.linkedin.com/feed/', 'https://github.com/', 'https://www.facebook.com/',
  'https://search.brave.com/', 'https://www.ecosia.org/', 'https://mastodon.social/@someone', 'https://bsky.app/', 'https://chatgpt.com/',
  ...Array.from({ length: 45 }, (_, i) => `https://blog${i}.example.net/posts/${pick(words)}`),
]
const campaigns = ['', '', '', '', '', '', 'utm_source=newsletter&utm_medium=email&utm_campaign=november', 'utm_source=twitter&utm_medium=social', 'ref=producthunt', 'utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=analytics']
const events = [
  { n: 'pageview', weight: 80 },
  { n: 'engagement', weight: 15 },
  { n: 'Signup', weight: 2, p: { plan: ['free', 'pro', 'team'] } },
  { n: 'Outbound Link: Click', weight: 2, p: { url: ['https://github.com/', 'https://example.org/docs'] } },
  { n: 'File Download', weight: 1, p: { url: ['https://cdn.example.com/report.pdf'] } },
]

const corpus = {
  generated: 'bench/corpus/build-corpus.ts from user-agents and crawler-user-agents',
  sites: ['site1.example', 'site2.example', 'site3.example', 'site4.example'],
  userAgents: [...human, ...bots].map((u) => ({ ...u, weight: Number((u.weight / humanWeight).toPrecision(6)) })),
  paths: [...paths],
  referrers,
  campaigns,
  events,
}
writeFileSync(new URL('./corpus.json', import.meta.url), `${JSON.stringify(corpus)}\n`)
console.log(`corpus: ${human.length} browser and ${bots.length} bot user-agents, ${paths.size} paths, ${referrers.length} referrers`)
