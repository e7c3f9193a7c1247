import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStore } from '@qa/core'
import { CHROME_UA } from '../../../test/support/collector-server.ts'

const ROOT = new URL('../../../', import.meta.url).pathname

describe('SIGTERM', () => {
  it('flushes every accepted event before the collector exits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qa-sigterm-'))
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'collector'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, COLLECTOR_PORT: '0', SITES: 'test.example', FLUSH_INTERVAL_MS: '60000', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`collector did not start: ${out}`)), 20_000)
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
    })
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
        body: JSON.stringify({ n: 'pageview', u: `https://test.example/term/${i}`, d: 'test.example' }),
      })
      expect(res.status).toBe(202)
    }
    const exited = new Promise<number | null>((r) => child.once('exit', r))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)

    const store = await createStore({ dataDir, clickhouse: { user: 'default', password: '', database: 'analytics' } })
    try {
      const r = await store.client.query({ query: "SELECT count() AS n FROM raw_hits WHERE path LIKE '/term/%'", format: 'JSONEachRow' })
      expect(Number((await r.json<{ n: string }>())[0]!.n)).toBe(25)
    } finally {
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
