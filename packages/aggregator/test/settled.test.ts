import { describe, expect, it } from 'vitest'
import { settled } from '../src/rollup/settled.ts'

describe('settled', () => {
  it('waits for every statement before failing with the first error', async () => {
    let slowDone = false
    const slow = new Promise<void>((resolve) => setImmediate(() => ((slowDone = true), resolve())))
    await expect(settled([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))])).rejects.toThrow('first')
    expect(slowDone).toBe(true)
  })

  it('passes when every statement does, skipping those not started', async () => {
    await expect(settled([Promise.resolve(1), undefined])).resolves.toBeUndefined()
  })
})
