import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '@quiet-analytics/core'
import { collectorRouter, createCollector, type Collector } from '@quiet-analytics/collector'
import { CHROME_UA } from '../../../test/support/collector-server.ts'
import { rows, tempStore } from '../../../test/support/temp-store.ts'

let store: Awaited<ReturnType<typeof tempStore>>
let collector: Collector
let server: Server
let url: string

beforeAll(async () => {
  store = await tempStore()
  collector = createCollector({ config: store.config, store, logger: createLogger('silent') })
  // A host app with its own body parser in front: the router must cope with parsed bodies too.
  const app = express()
  app.use('/parsed', express.json(), collectorRouter(collector))
  app.use(collectorRouter(collector))
  app.get('/', (_req, res) => void res.send('host app'))
  server = app.listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.close()
  await collector.close()
  await store.destroy()
})

const send = (base: string, path: string, contentType = 'application/json') =>
  fetch(`${base}/api/event`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'user-agent': CHROME_UA },
    body: JSON.stringify({ n: 'pageview', u: `https://test.example${path}`, d: 'test.example' }),
  })

describe('collector mounted in an Express app', () => {
  it('accepts events with and without a body parser in front, next to the host routes', async () => {
    expect((await send(url, '/raw')).status).toBe(202)
    expect((await send(`${url}/parsed`, '/parsed')).status).toBe(202)
    expect((await send(url, '/beacon', 'text/plain')).status).toBe(202)
    expect(await (await fetch(`${url}/`)).text()).toBe('host app')
    expect((await fetch(`${url}/script.js`)).status).toBe(200)
    await collector.flush()
    const paths = (await rows<{ path: string }>(store, 'SELECT path FROM raw_hits ORDER BY path')).map((r) => r.path)
    expect(paths).toEqual(['/beacon', '/parsed', '/raw'])
  })

  it('rejects bad input the same way as the standalone server', async () => {
    const res = await fetch(`${url}/api/event`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA }, body: '{"n":' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'body is not valid JSON' })
  })
})
