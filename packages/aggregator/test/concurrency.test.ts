import { describe, expect, it } from 'vitest'
import { mapLimited, settled } from '../src/rollup/concurrency.ts'

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

describe('mapLimited', () => {
  it('runs at most `limit` at once and keeps the items order', async () => {
    let running = 0
    let most = 0
    const out = await mapLimited([30, 10, 20, 0, 5], 2, async (x) => {
      most = Math.max(most, ++running)
      await new Promise((r) => setImmediate(r))
      running--
      return x * 2
    })
    expect(out).toEqual([60, 20, 40, 0, 10])
    expect(most).toBe(2)
  })

  it('starts nothing after a failure and reports it once the running item settles', async () => {
    const started: number[] = []
    let otherDone = false
    const run = mapLimited([1, 2, 3, 4], 2, async (x) => {
      started.push(x)
      if (x === 1) throw new Error('day 1')
      await new Promise((r) => setImmediate(r))
      otherDone = true
      return x
    })
    await expect(run).rejects.toThrow('day 1')
    expect(otherDone).toBe(true)
    expect(started).toEqual([1, 2])
  })
})
