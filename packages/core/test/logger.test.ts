import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../src/index.ts'

describe('logger redaction', () => {
  it('censors addresses, user-agents, headers, bodies and events wherever they are logged', () => {
    let out = ''
    const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => ((out += chunk.toString()), cb()) })
    const log = createLogger('info', sink)
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0'
    log.info({ ip: '203.0.113.77', userAgent: ua, headers: { 'user-agent': ua, 'x-forwarded-for': '198.51.100.1' } }, 'direct')
    log.warn({ req: { headers: { 'user-agent': ua }, remoteAddress: '203.0.113.77' } }, 'request')
    log.error({ ctx: { deeper: { ip: '203.0.113.77', ua, event: { u: 'https://x.example/?email=a@b.c' }, body: '{"n":"pageview"}' } } }, 'nested')
    log.warn({ err: { message: `insert failed for 198.51.100.1 with ${ua}` } }, `message naming 203.0.113.77 and ${ua}`)
    log.info('2001:db8::42 in a bare message')
    expect(out.split('\n').filter(Boolean)).toHaveLength(5)
    for (const secret of ['203.0.113.77', '198.51.100.1', '2001:db8::42', 'Firefox/133.0', 'Mozilla/5.0', 'a@b.c', 'pageview']) expect(out, secret).not.toContain(secret)
    expect(out).toContain('insert failed for (ip) with [user-agent]')
    expect(out).toContain('[redacted]')
  })
})
