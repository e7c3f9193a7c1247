import type { IncomingMessage } from 'node:http'

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; reason: string }

/**
 * Reads the request body up to `limit` bytes. A body already parsed by middleware
 * mounted in front of us (express.json or express.text) is re-serialised.
 */
export function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<BodyResult> {
  if (req.body !== undefined && req.readableEnded) {
    const b = req.body
    const body = Buffer.isBuffer(b) ? b : Buffer.from(typeof b === 'string' ? b : JSON.stringify(b))
    return Promise.resolve(body.length > limit ? { ok: false, status: 413, reason: `body over ${limit} bytes` } : { ok: true, body })
  }
  const declared = Number(req.headers['content-length'])
  if (declared > limit) {
    req.resume()
    return Promise.resolve({ ok: false, status: 413, reason: `body over ${limit} bytes` })
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (r: BodyResult) => {
      if (done) return
      done = true
      resolve(r)
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        chunks.length = 0
        req.removeAllListeners('data')
        req.resume()
        finish({ ok: false, status: 413, reason: `body over ${limit} bytes` })
      } else chunks.push(chunk)
    })
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }))
    req.on('error', () => finish({ ok: false, status: 400, reason: 'body could not be read' }))
  })
}
