import { describe, expect, it } from 'vitest'
import { parsePageUrl } from '../src/enrich/page-url.ts'
import { classifyReferrer } from '../src/enrich/referrer.ts'
import { cachedUserAgentParser, parseUserAgent } from '../src/enrich/user-agent.ts'
import { screenClass } from '../src/enrich/screen-class.ts'
import { primaryLanguage } from '../src/enrich/language.ts'
import { openCountryLookup } from '../src/enrich/geo.ts'

describe('parsePageUrl', () => {
  const none = new Set<string>()
  it('strips the query string and fragment but extracts UTM fields', () => {
    const p = parsePageUrl('https://www.Shop.example/blog/post/?utm_source=news&utm_medium=email&utm_campaign=nov&email=a@b.c#top', none)
    expect(p).toEqual({
      hostname: 'shop.example',
      path: '/blog/post',
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'nov',
      utm_term: '',
      utm_content: '',
    })
  })
  it('keeps allowlisted query parameters only', () => {
    expect(parsePageUrl('https://x.example/search?q=shoes&session=123&page=2', new Set(['q', 'page']))!.path).toBe('/search?q=shoes&page=2')
  })
  it('uses ref= as the source when utm_source is absent', () => {
    expect(parsePageUrl('https://x.example/?ref=producthunt', none)!.utm_source).toBe('producthunt')
  })
  it('keeps the fragment only in hash-routing mode', () => {
    expect(parsePageUrl('https://x.example/#/settings', none, true)!.path).toBe('/#/settings')
    expect(parsePageUrl('https://x.example/#/settings', none)!.path).toBe('/')
    expect(parsePageUrl('https://x.example/pricing/', none)).toEqual({ hostname: 'x.example', path: '/pricing', utm_source: '', utm_medium: '', utm_campaign: '', utm_term: '', utm_content: '' })
  })
  it('masks IP addresses in host, path and campaign tags', () => {
    const p = parsePageUrl('http://203.0.113.77/users/198.51.100.7?utm_source=10.0.0.1', none)!
    expect([p.hostname, p.path, p.utm_source]).toEqual(['(redacted)', '/users/(redacted)', '(redacted)'])
    expect(parsePageUrl('http://[2001:db8::1]/', none)!.hostname).toBe('(redacted)')
    expect(classifyReferrer('http://192.168.1.1/admin', 'x.example', '').referrer_host).toBe('(redacted)')
  })
  it('decodes the path and refuses non-http URLs', () => {
    expect(parsePageUrl('https://x.example/caf%C3%A9', none)!.path).toBe('/café')
    expect(parsePageUrl('javascript:alert(1)', none)).toBeNull()
    expect(parsePageUrl('not a url', none)).toBeNull()
  })
})

describe('classifyReferrer', () => {
  it('keeps only the host of the referrer and names known sources', () => {
    expect(classifyReferrer('https://www.google.com/search?q=private+words', 'x.example', '')).toEqual({ referrer_host: 'google.com', source: 'Google' })
    expect(classifyReferrer('https://news.ycombinator.com/item?id=1', 'x.example', '')).toEqual({ referrer_host: 'news.ycombinator.com', source: 'Hacker News' })
    expect(classifyReferrer('https://blog.someone.net/a/b', 'x.example', '')).toEqual({ referrer_host: 'blog.someone.net', source: 'blog.someone.net' })
  })
  it('treats self-referrals and garbage as direct', () => {
    expect(classifyReferrer('https://www.x.example/other', 'x.example', '')).toEqual({ referrer_host: '', source: '' })
    expect(classifyReferrer('::::', 'x.example', '')).toEqual({ referrer_host: '', source: '' })
    expect(classifyReferrer(null, 'x.example', '')).toEqual({ referrer_host: '', source: '' })
  })
  it('lets utm_source name the source', () => {
    expect(classifyReferrer('https://t.co/abc', 'x.example', 'newsletter')).toEqual({ referrer_host: 't.co', source: 'newsletter' })
  })
})

describe('user-agent enrichment', () => {
  it('parses browser, OS and device class with versions cut to major.minor', () => {
    expect(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1')).toEqual({
      bot: false,
      browser: 'Mobile Safari',
      browser_version: '17.1',
      os: 'iOS',
      os_version: '17.1',
      device: 'mobile',
    })
    const desktop = parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 Safari/537.36')
    expect(desktop).toMatchObject({ browser: 'Chrome', browser_version: '131.0', os: 'Windows', device: 'desktop' })
    expect(parseUserAgent('Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148').device).toBe('tablet')
  })
  it('caches parses without changing results', () => {
    const parse = cachedUserAgentParser(2)
    const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
    const first = parse(ua)
    expect(parse(ua)).toBe(first)
    expect(first).toMatchObject({ browser: 'Firefox', os: 'Linux' })
  })
})

describe('small enrichments', () => {
  it('buckets screen widths', () => {
    expect([375, 800, 1280, 1920, 0, undefined].map((w) => screenClass(w))).toEqual(['mobile', 'tablet', 'laptop', 'desktop', '', ''])
  })
  it('takes the primary language', () => {
    expect(primaryLanguage('de-AT,de;q=0.9,en;q=0.8')).toBe('de')
    expect(primaryLanguage('*')).toBe('')
    expect(primaryLanguage(undefined)).toBe('')
  })
  it('finds the country of a truncated address', () => {
    const country = openCountryLookup()
    expect(country('8.8.8.0')).toBe('US')
    expect(country('81.2.69.0')).toBe('GB')
    expect(country('10.0.0.0')).toBe('')
  })
})
