import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROME_UA } from '../support/collector-server.ts'
import { qaStoreForFile, startServing, stopProcess, withDataDir } from '../support/cli-process.ts'

const { dataDir } = qaStoreForFile('qa-accepted-')
const post = (url: string, path: string) =>
  fetch(`${url}/api/event`, { method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA }, body: JSON.stringify({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' }) })
const sql = (query: string) => withDataDir(dataDir, (s) => s.client.command({ query }))
const count = (like: string) =>
  withDataDir(dataDir, async (s) => (await s.client.query({ query: 'SELECT count() AS n, uniqExact(path) AS paths FROM raw_hits WHERE path LIKE {p:String}', query_params: { p: like }, format: 'JSONEachRow' })).json<{ n: string; paths: string }>())
const spooledText = () => {
  const dir = join(dataDir, 'spool', '0')
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
}
const collector = (env: Record<string, string> = {}) =>
  startServing(['collector'], { DATA_DIR: dataDir, COLLECTOR_PORT: '0', COLLECTOR_PROCESSES: '1', SITES: 'test.example', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn', ...env })

describe('accepted means stored', () => {
  it('answers 202 only while the spool can still take everything in memory, and keeps it all through SIGTERM with the store refusing', async () => {
    await sql('ALTER TABLE raw_hits ADD CONSTRAINT refuse CHECK 0')
    const first = await collector({ SPOOL_MAX_BYTES: '20000', FLUSH_INTERVAL_MS: '200' })
    let log = ''
    first.proc.stderr!.on('data', (d: Buffer) => (log += d.toString()))
    let accepted = 0
    let refused = 0
    for (let i = 0; i < 400 && refused < 20; i++) {
      const res = await post(first.url, `/kept/${i}`)
      if (res.status === 202) accepted++
      if (res.status === 503) {
        refused++
        expect(res.headers.get('retry-after')).toBe('1')
      }
    }
    expect(refused).toBe(20)
    expect(accepted).toBeGreaterThan(0)
    const ready = await fetch(`${first.url}/ready`)
    expect(ready.status).toBe(503)
    expect(await stopProcess(first.proc)).toBe(0)
    expect(log).not.toMatch(/could not be written or spooled/)

    await sql('ALTER TABLE raw_hits DROP CONSTRAINT refuse')
    const second = await collector()
    await expect.poll(() => spooledText(), { timeout: 20_000 }).toBe('')
    await stopProcess(second.proc)
    const [r] = await count('/kept/%')
    process.stdout.write(`spool budget with the store refusing: accepted ${accepted}, refused ${refused}, stored after recovery ${r!.n}\n`)
    expect(Number(r!.n)).toBe(accepted)
    expect(r!.paths).toBe(r!.n)
  }, 60_000)

  it('answers a durable site only once the event is stored, or fsynced in the spool', async () => {
    const configFile = join(dataDir, 'durable.json')
    writeFileSync(configFile, JSON.stringify({ sites: [{ id: 'test', domains: ['test.example'], durable: true }] }))
    // A minute between flushes: only the durable path can make these rows visible at once.
    const c = await collector({ CONFIG_FILE: configFile, SITES: '', FLUSH_INTERVAL_MS: '60000' })
    try {
      for (let i = 0; i < 5; i++) {
        expect((await post(c.url, `/durable/${i}`)).status).toBe(202)
        expect((await count(`/durable/${i}`))[0]!.n).toBe('1')
      }
      await sql('ALTER TABLE raw_hits ADD CONSTRAINT refuse CHECK 0')
      expect((await post(c.url, '/durable/spooled')).status).toBe(202)
      expect(spooledText()).toContain('/durable/spooled')
    } finally {
      await sql('ALTER TABLE raw_hits DROP CONSTRAINT refuse')
    }
    await expect.poll(() => spooledText(), { timeout: 20_000 }).toBe('')
    await stopProcess(c.proc)
    expect((await count('/durable/%'))[0]).toEqual({ n: '6', paths: '6' })
  }, 60_000)
})
