import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger, manualClock } from '@quiet-analytics/core'
import { Aggregator } from '@quiet-analytics/aggregator'
import { connectStore, enginePaths, migrate, startStoreProcess, type ClusterNode, type Store, type StoreProcess } from '@quiet-analytics/store'
import { freePort } from '../support/cli-process.ts'
import { aggregateSnapshot } from '../support/snapshot.ts'
import { rows, tempStore, testConfig, type TempStore } from '../support/temp-store.ts'
import { generateDay } from '../fixtures/traffic.ts'

// Yesterday (UTC): the cluster's nodes run their raw TTL (48 h on the hits' own time), so a fixed date would be deleted as the calendar moves on.
const DAY_START = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000
const clock = manualClock(DAY_START + 20 * 3600_000)
const CLUSTER = 'qa_local'
const cleanup: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const step of cleanup.reverse()) await step()
})

const count = async (store: Store, table: string) => Number((await rows<{ n: string }>(store, `SELECT count() AS n FROM ${table}`))[0]!.n)

describe.runIf(!process.env.CLICKHOUSE_URL)('raw hits sharded over two store processes', () => {
  it('ingest and rollup give the aggregates of one node, so every stat is the same', async () => {
    const config = testConfig({ aggregation: { minGroupSize: 3 } })
    const nodeConfigs = [config, testConfig()]
    const nodes: ClusterNode[] = [{ host: '127.0.0.1', tcpPort: await freePort() }, { host: '127.0.0.1', tcpPort: await freePort() }]
    const engines: StoreProcess[] = []
    for (const [i, c] of nodeConfigs.entries()) {
      // The nodes of a cluster share the writer's password: the first node's, copied before the second starts.
      if (i > 0) {
        mkdirSync(enginePaths(c.dataDir).dir, { recursive: true, mode: 0o700 })
        writeFileSync(enginePaths(c.dataDir).password('qa_writer'), readFileSync(enginePaths(nodeConfigs[0]!.dataDir).password('qa_writer')), { mode: 0o600 })
      }
      const engine = await startStoreProcess({ dataDir: c.dataDir, database: c.clickhouse.database, httpPort: 0, tcpPort: nodes[i]!.tcpPort, dashboardUser: c.server.dashboardUser, cluster: { name: CLUSTER, nodes } })
      engines.push(engine)
      cleanup.push(async () => {
        await engine.stop()
        rmSync(c.dataDir, { recursive: true, force: true })
      })
    }
    const [a, b] = await Promise.all(nodeConfigs.map((c) => connectStore(c)))
    cleanup.push(() => Promise.all([a!.close(), b!.close()]))
    // The cluster DDL generated from the migrations, applied on each node (no Keeper here).
    for (const s of [a!, b!]) await migrate(s.client, { cluster: CLUSTER, perNode: true })
    const single: TempStore = await tempStore(testConfig({ aggregation: { minGroupSize: 3 } }))
    cleanup.push(() => single.destroy())

    const traffic = generateDay({ siteId: 'test', dayStartMs: DAY_START, visitors: 400, seed: 21 }).rows.filter((r) => r.ts < clock.now())
    // Through the Distributed table, as the collector writes: each row to its visitor's shard.
    await a!.client.insert({ table: 'raw_hits', values: traffic, format: 'JSONEachRow', clickhouse_settings: { distributed_foreground_insert: 1 } })
    await single.client.insert({ table: 'raw_hits', values: traffic, format: 'JSONEachRow' })
    const [onA, onB] = [await count(a!, 'raw_hits_local'), await count(b!, 'raw_hits_local')]
    expect(onA).toBeGreaterThan(0)
    expect(onB).toBeGreaterThan(0)
    expect(onA + onB).toBe(traffic.length)
    expect(await count(a!, 'raw_hits')).toBe(traffic.length)
    // A visitor's hits stay on one shard, so visits are whole on each.
    const split = await rows<{ n: string }>(a!, 'SELECT count() AS n FROM (SELECT visitor_id FROM raw_hits GROUP BY visitor_id HAVING uniqExact(_shard_num) > 1)')
    expect(split[0]!.n).toBe('0')

    await new Aggregator(config, a!, createLogger('silent'), clock).rollup()
    await new Aggregator(single.config, single, createLogger('silent'), clock).rollup()
    const sharded = await aggregateSnapshot(a!)
    expect(sharded).toContain('agg_totals_daily')
    expect(sharded).toBe(await aggregateSnapshot(single))
  }, 90_000)
})
