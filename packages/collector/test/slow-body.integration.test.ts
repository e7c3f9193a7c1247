import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStandaloneServer } from '@quiet-analytics/collector'
import { startTestCollector, type TestCollector } from '../../../test/support/collector-server.ts'
import { testConfig } from '../../../test/support/temp-store.ts'

let c: TestCollector
let server: Server
let port: number
beforeAll(async () => {
  c = await startTestCollector(testConfig())
  // The same front end with a short request timeout (the default is 10 s).
  server = createStandaloneServer(c.collector, { requestTimeoutMs: 600 })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  server.close()
  await c.stop()
})

describe('slow clients', () => {
  it('closes a request whose body trickles in slower than the request timeout', async () => {
    const socket = connect(port, '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    socket.write('POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{"n":')
    let answer = ''
    socket.on('data', (d: Buffer) => (answer += d.toString()))
    const closed = new Promise<void>((r) => socket.once('close', () => r()))
    // The client never stops: only the server's request timeout can end this (else the test times out).
    let drops = 0
    const drip = setInterval(() => socket.writable && socket.write(' ') && drops++, 100)
    await closed
    clearInterval(drip)
    expect(drops).toBeGreaterThan(0)
    expect(drops).toBeLessThan(1000 - '{"n":'.length)
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true)
  }, 30_000)
})
