import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, resolveSite } from '../src/index.ts'

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const c = loadConfig({})
    expect(c.dataDir).toBe('./data')
    expect(c.collector.ipv4PrefixBits).toBe(24)
    expect(c.collector.ipv6PrefixBits).toBe(48)
    expect(c.collector.honourDnt).toBe(true)
    expect(c.retention.rawTtlHours).toBe(48)
  })
  it('reads environment variables', () => {
    const c = loadConfig({ COLLECTOR_PORT: '9000', SITES: 'a.example, b.example', HONOUR_DNT: 'false', TRUSTED_PROXIES: '10.0.0.0/8' })
    expect(c.collector.port).toBe(9000)
    expect(c.sites.map((s) => s.domains[0])).toEqual(['a.example', 'b.example'])
    expect(c.collector.honourDnt).toBe(false)
    expect(c.collector.trustedProxies).toEqual(['10.0.0.0/8'])
  })
  it('names the key, the variable and what is allowed when a value is wrong', () => {
    expect(() => loadConfig({ RAW_TTL_HOURS: '500' })).toThrow(ConfigError)
    expect(() => loadConfig({ RAW_TTL_HOURS: '500' })).toThrow(/retention\.rawTtlHours \(RAW_TTL_HOURS\).*240/)
    expect(() => loadConfig({ COLLECTOR_PORT: 'eighty' })).toThrow(/collector\.port \(COLLECTOR_PORT\)/)
    expect(() => loadConfig({ IPV4_PREFIX_BITS: '32' })).toThrow(/ipv4PrefixBits.*24/)
    for (const bad of ['10.0.0.0/33', '10.0.0', 'fe80::1::2', '::/129']) expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(/trustedProxies.*CIDR/)
  })
  it('merges a JSON file under the environment and validates site time zones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-config-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ sites: [{ domains: ['x.example'], timezone: 'Europe/Berlin' }], collector: { port: 1234 } }))
    const c = loadConfig({ CONFIG_FILE: file, COLLECTOR_PORT: '4321' })
    expect(c.collector.port).toBe(4321)
    expect(c.sites[0]!.timezone).toBe('Europe/Berlin')
    writeFileSync(file, JSON.stringify({ sites: [{ domains: ['x.example'], timezone: 'Mars/Olympus' }] }))
    expect(() => loadConfig({ CONFIG_FILE: file })).toThrow(/sites\.0\.timezone.*IANA/)
  })
  it('resolves a site with default origins', () => {
    const site = resolveSite({ domains: ['x.example'], timezone: 'UTC' })
    expect(site.id).toBe('x.example')
    expect(site.allowedOrigins).toContain('https://www.x.example')
  })
})
