import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { ClickHouseClient } from '@clickhouse/client'
import { isAlive } from './engine/engine-files.ts'

export interface LeaseHolder {
  holder: string
  host: string
  pid: number
  acquiredAt: number
}

export interface Lease {
  /** Gives the lease up; the next contender takes it at once. */
  release(): Promise<void>
}

export interface LeaseOptions {
  now: () => number
  /** How long a holder that stops renewing keeps the lease. */
  ttlMs?: number
}

const TTL_MS = 30_000

/**
 * A lease in the store, for work that must not run twice at once against one store
 * from several processes or machines. Without transactions, claims are rows: everyone
 * inserts one, then all agree that the live claim acquired first holds the lease. A
 * holder renews its claim while it works; a holder that stops renewing loses it after
 * the TTL, and one on this host whose process has died loses it at once.
 */
export async function tryAcquireLease(client: ClickHouseClient, name: string, opts: LeaseOptions): Promise<Lease | { heldBy: LeaseHolder }> {
  const ttl = opts.ttlMs ?? TTL_MS
  const me = { holder: randomUUID(), host: hostname(), pid: process.pid, acquiredAt: opts.now() }
  let written = 0
  const write = (expiresAt: number) => {
    // Strictly increasing per holder: the latest row decides.
    written = Math.max(opts.now(), written + 1)
    return client.insert({
      table: 'leases',
      values: [{ name, holder: me.holder, host: me.host, pid: me.pid, acquired_at: me.acquiredAt, expires_at: expiresAt, written_at: written }],
      format: 'JSONEachRow',
    })
  }
  const current = async (): Promise<LeaseHolder | undefined> => {
    const rows = await (
      await client.query({
        query: `SELECT holder, any(host) AS host, any(pid) AS pid, toUnixTimestamp64Milli(any(acquired_at)) AS acquired, toUnixTimestamp64Milli(argMax(expires_at, written_at)) AS expires
                FROM leases WHERE name = {name:String} GROUP BY holder HAVING expires > {now:Int64} ORDER BY acquired, holder`,
        query_params: { name, now: opts.now() },
        format: 'JSONEachRow',
      })
    ).json<{ holder: string; host: string; pid: number; acquired: string }>()
    const live = rows.filter((r) => r.holder === me.holder || r.host !== me.host || isAlive(Number(r.pid)))
    const first = live[0]
    return first && { holder: first.holder, host: first.host, pid: Number(first.pid), acquiredAt: Number(first.acquired) }
  }
  const before = await current()
  if (before) return { heldBy: before }
  await write(opts.now() + ttl)
  const winner = await current()
  if (winner?.holder !== me.holder) {
    await write(0)
    return { heldBy: winner ?? me }
  }
  const renew = setInterval(() => void write(opts.now() + ttl).catch(() => undefined), ttl / 3)
  renew.unref()
  let released = false
  return {
    release: async () => {
      if (released) return
      released = true
      clearInterval(renew)
      await write(0)
    },
  }
}
