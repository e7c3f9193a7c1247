import { hash } from 'node:crypto'

const BLOCK = 64
const pads = new WeakMap<Buffer, { inner: Buffer; outer: Buffer }>()
let scratch = Buffer.alloc(1024)

/** HMAC's two keyed blocks (RFC 2104), computed once per salt. */
function padsFor(salt: Buffer): { inner: Buffer; outer: Buffer } {
  let p = pads.get(salt)
  if (!p) {
    const key = salt.length > BLOCK ? hash('sha256', salt, 'buffer') : salt
    const inner = Buffer.alloc(BLOCK, 0x36)
    const outer = Buffer.alloc(BLOCK + 32, 0x5c)
    outer.fill(0, BLOCK)
    for (let i = 0; i < key.length; i++) {
      inner[i]! ^= key[i]!
      outer[i]! ^= key[i]!
    }
    p = { inner, outer }
    pads.set(salt, p)
  }
  return p
}

/**
 * visitor = first 64 bits of HMAC-SHA256(salt[site, day], site | ip | user-agent),
 * as a decimal string (ClickHouse UInt64). Unlinkable once the day's salt is destroyed.
 * Built from one-shot hashes: createHmac allocates a native object per event, which
 * the garbage collector then has to finalise, and that dominated ingest under load.
 */
export function visitorHash(salt: Buffer, siteId: string, ip: string, userAgent: string): string {
  const { inner, outer } = padsFor(salt)
  const message = `${siteId}|${ip}|${userAgent}`
  const size = BLOCK + Buffer.byteLength(message)
  if (scratch.length < size) scratch = Buffer.alloc(size * 2)
  inner.copy(scratch)
  scratch.write(message, BLOCK, 'utf8')
  const innerDigest = hash('sha256', scratch.subarray(0, size), 'buffer')
  innerDigest.copy(outer, BLOCK)
  return hash('sha256', outer, 'buffer').readBigUInt64BE(0).toString()
}
