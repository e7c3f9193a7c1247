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
  it('refuses unknown keys and values by name, with the nearest valid one, and a file that is not an object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-config-'))
    const file = join(dir, 'config.json')
    const refusal = (body: unknown) => {
      writeFileSync(file, JSON.stringify(body))
      try {
        loadConfig({ CONFIG_FILE: file })
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError)
        return (err as Error).message
      }
      throw new Error('accepted')
    }
    expect(refusal({ retention: { rawTTLHours: 1 } })).toContain('retention.rawTTLHours: unknown setting (did you mean rawTtlHours?)')
    expect(refusal({ sites: [{ domains: ['x.example'], minGroupSise: 2 }] })).toContain('sites.0.minGroupSise: unknown setting (did you mean minGroupSize?)')
    expect(refusal({ colector: { port: 1 } })).toContain('colector: unknown setting (did you mean collector?)')
    expect(refusal({ sites: [{ domains: ['x.example'], goals: [{ name: 'a', event: 'a', pgae: '/x' }] }] })).toContain('sites.0.goals.0.pgae: unknown setting (did you mean page?)')
    expect(refusal([{ sites: [] }])).toMatch(/must hold a JSON object of settings, not an array/)
    expect(refusal('sites')).toMatch(/not a string/)
    expect(() => loadConfig({ FILTER_DIMENSIONS: 'sorce' })).toThrow(/aggregation\.filterDimensions\.0 \(FILTER_DIMENSIONS\): .*\(did you mean source\?\)/)
    expect(() => loadConfig({ FILTER_DIMENSIONS: 'page' })).toThrow(ConfigError)
    expect(refusal({ sites: [{ domains: ['x.example'], events: ['Signup'], goals: [{ name: 'Bought', event: 'Purchase' }] }] })).toMatch(/sites\.0\.goals.*: a goal counts an event the site does not declare in events/)
  })
  it('resolves a site with default origins', () => {
    const site = resolveSite({ domains: ['x.example'], timezone: 'UTC' })
    expect(site.id).toBe('x.example')
    expect(site.allowedOrigins).toContain('https://www.x.example')
  })
})
