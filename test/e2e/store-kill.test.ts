import { afterAll, describe, expect, it } from 'vitest'
import { startStoreProcess } from '@quiet-analytics/store'
import { startTestCollector, type TestCollector } from '../support/collector-server.ts'
import { rows, tempStore, testConfig, type TempStore } from '../support/temp-store.ts'

let store: TempStore | undefined
let c: TestCollector | undefined
afterAll(async () => {
  await c?.stop()
  await store?.destroy()
})

describe.runIf(!process.env.CLICKHOUSE_URL)('store process killed under load, then restarted', () => {
  it('the collector spools meanwhile and replays: every accepted event stored once', async () => {
    const config = testConfig({ collector: { flushIntervalMs: 50, batchMaxRows: 200, rateLimitPerMinute: 0 } })
    store = await tempStore(config)
    c = await startTestCollector(config, store)
    let sent = 0
    let accepted = 0
    let stop = false
    const load = (async () => {
      while (!stop) {
        const statuses = await Promise.all(Array.from({ length: 20 }, () => c!.post({ n: 'pageview', u: `https://test.example/store-kill/${sent++}`, d: 'test.example' }).then((r) => r.status)))
        accepted += statuses.filter((s) => s === 202).length
      }
    })()
    const stored = async () => Number((await rows<{ n: string }>(store!, "SELECT count() AS n FROM raw_hits WHERE path LIKE '/store-kill/%'"))[0]?.n ?? 0)
    await expect.poll(stored, { timeout: 20_000 }).toBeGreaterThan(500)

    const engine = store.engine!
    process.kill(engine.enginePid, 'SIGKILL')
    await engine.exited
    // Accepting goes on into the spool while the store is gone.
    await expect.poll(() => c!.collector.writer.spooled, { timeout: 20_000 }).toBeGreaterThan(2)
    const restarted = await startStoreProcess({ dataDir: config.dataDir, database: config.clickhouse.database, httpPort: engine.httpPort, dashboardUser: config.server.dashboardUser })
    store.engine = restarted
    const atRestart = accepted
    await expect.poll(() => accepted, { timeout: 20_000 }).toBeGreaterThan(atRestart + 500)
    stop = true
    await load
    await expect.poll(async () => {
      await c!.collector.flush()
      return c!.collector.writer.spooled + c!.collector.writer.buffered
    }, { timeout: 30_000 }).toBe(0)

    const [r] = await rows<{ n: string; paths: string }>(store, "SELECT count() AS n, uniqExact(path) AS paths FROM raw_hits WHERE path LIKE '/store-kill/%'")
    process.stdout.write(`store SIGKILL under load: sent ${sent}, accepted ${accepted}, stored ${r!.n}\n`)
    expect(accepted).toBe(sent)
    expect(Number(r!.n)).toBe(accepted)
    expect(r!.paths).toBe(r!.n)
  }, 90_000)
})
