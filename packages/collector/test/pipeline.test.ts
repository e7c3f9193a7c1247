import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { resolveSite, trustedProxyMatcher, visitorHash } from '@quiet-analytics/core'
import { parseEventBody } from '../src/pipeline/parse-body.ts'
import { PIPELINE_STEPS, processEvent, type PipelineDeps } from '../src/pipeline/process-event.ts'
import { refusesTracking } from '../src/pipeline/consent.ts'
import { isBot } from '../src/enrich/bot.ts'
import { sanitiseProps } from '../src/pipeline/sanitise-props.ts'
import { siteResolver } from '../src/pipeline/resolve-site.ts'
import { parseUserAgent } from '../src/enrich/user-agent.ts'
import { openCountryLookup } from '../src/enrich/geo.ts'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const salt = randomBytes(32)
const site = resolveSite({ domains: ['shop.example'], timezone: 'UTC' })

function deps(over: Partial<PipelineDeps> = {}): PipelineDeps {
  return {
    resolveSite: siteResolver([site]),
    trustedProxies: trustedProxyMatcher([]),
    truncation: { ipv4PrefixBits: 24, ipv6PrefixBits: 48 },
    honourDnt: true,
    queryAllowlist: new Set(),
    parseUserAgent,
    country: openCountryLookup(),
    admit: () => true,
    admitSite: () => true,
    salt: () => salt,
    now: () => Date.UTC(2026, 10, 23, 12),
    ...over,
  }
}

const event = (over: object = {}) => {
  const r = parseEventBody(Buffer.from(JSON.stringify({ n: 'pageview', u: 'https://shop.example/p?utm_source=x', d: 'shop.example', w: 1300, ...over })))
  if (!r.ok) throw new Error(r.reason)
  return r.event
}

describe('parseEventBody', () => {
  it('accepts the Plausible body, short and long field names, props as object or JSON string', () => {
    const a = parseEventBody(Buffer.from('{"name":"Signup","url":"https://shop.example/","domain":"shop.example","props":"{\\"plan\\":\\"pro\\",\\"seats\\":3}"}'))
    expect(a.ok && a.event).toMatchObject({ n: 'Signup', d: 'shop.example', p: { plan: 'pro', seats: '3' } })
  })
  it('gives a reason naming the field for bad input', () => {
    const cases: [string | Buffer, RegExp][] = [
      ['{"n":"pageview"', /not valid JSON/],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /UTF-8/],
      ['{"u":"https://shop.example/","d":"shop.example"}', /^n:/],
      ['{"n":"pageview","u":"nope","d":"shop.example"}', /^u:/],
      ['{"n":"pageview","u":"https://a/","d":"shop.example","w":-5}', /^w:/],
      ['{"n":"pageview","u":"https://a/","d":"shop.example","ip":"1.2.3.4"}', /ip|Unrecognized/i],
      ['[1,2]', /body|expected object/i],
    ]
    for (const [body, reason] of cases) {
      const r = parseEventBody(typeof body === 'string' ? Buffer.from(body) : body)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.reason).toMatch(reason)
    }
  })
})

describe('consent and bots', () => {
  it('honours DNT and Sec-GPC', () => {
    expect(refusesTracking({ dnt: '1' })).toBe(true)
    expect(refusesTracking({ 'sec-gpc': '1' })).toBe(true)
    expect(refusesTracking({ dnt: '0' })).toBe(false)
  })
  it('flags crawlers, headless browsers and empty user-agents', () => {
    expect(isBot('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toBe(true)
    expect(isBot('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36')).toBe(true)
    expect(isBot(undefined)).toBe(true)
    expect(isBot(CHROME)).toBe(false)
  })
})

describe('sanitiseProps', () => {
  it('redacts addresses and e-mails, strips URL queries, bounds size, refuses prototype keys', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v']))
    expect(Object.keys(sanitiseProps(many))).toHaveLength(16)
    expect(sanitiseProps({ who: 'jane@corp.example', ip: '203.0.113.77', url: 'https://x.example/a?token=secret#f', long: 'x'.repeat(999) })).toEqual({
      who: '(redacted)',
      ip: '(redacted)',
      url: 'https://x.example/a',
      long: 'x'.repeat(256),
    })
    const proto = sanitiseProps(JSON.parse('{"__proto__":"x","constructor":"y","ok":"z"}') as Record<string, string>)
    expect(Object.keys(proto)).toEqual(['ok'])
  })
})

describe('processEvent', () => {
  const ctx = (headers: Record<string, string> = {}, peer = '203.0.113.77') => ({ peer, headers: { 'user-agent': CHROME, 'accept-language': 'fr-FR,fr', ...headers } })

  it('builds the minimal row: truncated-IP country, salted hash, no IP, no user-agent', async () => {
    const out = await processEvent(event({ r: 'https://www.google.com/search?q=x' }), ctx(), deps())
    expect(out.kind).toBe('accept')
    if (out.kind !== 'accept') return
    expect(out.row).toMatchObject({ site_id: 'shop.example', name: 'pageview', path: '/p', utm_source: 'x', source: 'x', referrer_host: 'google.com', browser: 'Chrome', screen_class: 'laptop', language: 'fr' })
    expect(out.row.visitor_id).toBe(visitorHash(salt, 'shop.example', '203.0.113.77', CHROME))
    const text = JSON.stringify(out.row)
    expect(text).not.toContain('203.0.113')
    expect(text).not.toContain('Windows NT 10.0; Win64')
  })
  it('drops consent refusals and bots, rejects unknown sites and foreign origins', async () => {
    expect(await processEvent(event(), ctx({ dnt: '1' }), deps())).toEqual({ kind: 'drop', reason: 'consent', siteId: 'shop.example' })
    expect((await processEvent(event(), ctx({ dnt: '1' }), deps({ honourDnt: false }))).kind).toBe('accept')
    expect(await processEvent(event(), ctx({ 'user-agent': 'curl/8.0.1' }), deps())).toMatchObject({ kind: 'drop', reason: 'bot' })
    expect(await processEvent(event({ d: 'other.example' }), ctx(), deps())).toMatchObject({ kind: 'reject', status: 404 })
    expect(await processEvent(event(), ctx({ origin: 'https://evil.example' }), deps())).toMatchObject({ kind: 'reject', status: 403 })
    expect((await processEvent(event(), ctx({ origin: 'https://www.shop.example' }), deps())).kind).toBe('accept')
  })
  it('rate-limits on the truncated address', async () => {
    const seen: string[] = []
    const out = await processEvent(event(), ctx(), deps({ admit: (k) => (seen.push(k), false) }))
    expect(out).toMatchObject({ kind: 'drop', reason: 'rate_limited' })
    expect(seen).toEqual(['203.0.113.0'])
  })
  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const viaProxy = await processEvent(event(), ctx({ 'x-forwarded-for': '81.2.69.160' }, '10.0.0.1'), deps({ trustedProxies: trustedProxyMatcher(['10.0.0.0/8']) }))
    expect(viaProxy.kind === 'accept' && viaProxy.row.country).toBe('GB')
    const spoofed = await processEvent(event(), ctx({ 'x-forwarded-for': '81.2.69.160' }, '8.8.8.8'), deps())
    expect(spoofed.kind === 'accept' && spoofed.row.country).toBe('US')
  })
})

describe('the pipeline step order', () => {
  // For each step, an event (and its context) that this step refuses, and what it answers.
  const breaks: Record<string, { event?: object; headers?: Record<string, string>; peer?: string; deps?: Partial<PipelineDeps>; outcome: object }> = {
    site: { event: { d: 'unknown.example' }, outcome: { kind: 'reject', status: 404 } },
    origin: { headers: { origin: 'https://evil.example' }, outcome: { kind: 'reject', status: 403 } },
    consent: { headers: { dnt: '1' }, outcome: { kind: 'drop', reason: 'consent' } },
    declared_event: { event: { n: 'Invented' }, outcome: { kind: 'drop', reason: 'undeclared_event' } },
    bot: { headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' }, outcome: { kind: 'drop', reason: 'bot' } },
    client_address: { peer: 'not-an-address', outcome: { kind: 'reject', status: 400 } },
    rate_limit: { deps: { admit: () => false }, outcome: { kind: 'drop', reason: 'rate_limited' } },
    page_url: { event: { u: 'ftp://shop.example/' }, outcome: { kind: 'reject', status: 400 } },
  }
  const declaredSite = resolveSite({ domains: ['shop.example'], timezone: 'UTC', events: ['Signup'] })

  it('is the declared one: of two neighbouring steps an event breaks, the earlier decides', async () => {
    const refusing = PIPELINE_STEPS.filter((s) => s in breaks)
    expect(refusing).toEqual(Object.keys(breaks))
    for (let i = 0; i + 1 < refusing.length; i++) {
      const [first, second] = [breaks[refusing[i]!]!, breaks[refusing[i + 1]!]!]
      const e = event({ ...second.event, ...first.event })
      const headers = { 'user-agent': CHROME, ...second.headers, ...first.headers }
      const peer = first.peer ?? second.peer ?? '203.0.113.7'
      const outcome = await processEvent(e, { peer, headers }, deps({ resolveSite: siteResolver([declaredSite]), ...second.deps, ...first.deps }))
      expect(outcome, `${refusing[i]} before ${refusing[i + 1]}`).toMatchObject(first.outcome)
    }
  })
})
