import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { rows, testConfig } from '../../../test/support/temp-store.ts'

// A documentation-range address and a user-agent carrying a token no parser keeps.
const IP = '203.0.113.77'
const IP6 = '2001:db8:1234:5678:9abc:def0:1234:5678'
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 QuietProbe/7.7.7-zq'

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })
}

/**
 * Text and decimal forms of the address and the user-agent. LZ4 keeps the first
 * occurrence of a string literally, so a stored value would show up in its column file;
 * packed 4-byte forms are left to the engine search (they occur by chance in binary data).
 */
function needles(): Buffer[] {
  const asInt = IP.split('.').reduce((n, o) => n * 256 + Number(o), 0)
  return [IP, IP6, '2001:db8:1234:5678:9abc', String(asInt), 'QuietProbe', UA.slice(0, 40)].map((s) => Buffer.from(s))
}

let c: TestCollector
beforeAll(async () => {
  c = await startTestCollector(testConfig({ collector: { trustedProxies: ['127.0.0.1'] } }))
  for (const ip of [IP, IP6]) {
    for (let i = 0; i < 50; i++) {
      const res = await c.post({ n: 'pageview', u: `https://test.example/p/${i}`, d: 'test.example', r: `https://ref.example/${IP}?ua=x` }, { 'x-forwarded-for': ip, 'user-agent': UA })
      expect(res.status).toBe(202)
    }
  }
  await c.collector.flush()
})
afterAll(() => c.stop())

describe('no IP and no user-agent at rest', () => {
  it('stored 100 rows', async () => {
    expect(Number((await rows<{ n: string }>(c.store, 'SELECT count() AS n FROM raw_hits'))[0]!.n)).toBe(100)
  })

  it('finds neither through the engine in any String column of any table', async () => {
    const cols = await rows<{ table: string; name: string }>(
      c.store,
      "SELECT table, name FROM system.columns WHERE database = currentDatabase() AND (type LIKE '%String%' OR type LIKE 'Map%')",
    )
    expect(cols.length).toBeGreaterThan(10)
    for (const { table, name } of cols) {
      const [hit] = await rows<{ n: string }>(
        c.store,
        `SELECT count() AS n FROM ${table} WHERE position(toString(${name}), {ip:String}) > 0 OR position(toString(${name}), {ip6:String}) > 0 OR position(toString(${name}), 'QuietProbe') > 0`,
        { ip: IP, ip6: '2001:db8:1234' },
      )
      expect(Number(hit!.n), `${table}.${name}`).toBe(0)
    }
  })

  it('finds neither in any file under the data directory', async () => {
    await c.store.close()
    const files = filesUnder(c.store.config.dataDir)
    expect(files.length).toBeGreaterThan(20)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const needle of needles()) {
        expect(bytes.includes(needle), `${needle.toString('latin1')} in ${file}`).toBe(false)
      }
    }
  })
})
