import { describe, expect, it } from 'vitest'
import { replyBurst } from '../src/http/reply-burst.ts'

/** A scheduler the test runs by hand: what setImmediate would run at the end of the poll phase. */
function manualSchedule() {
  const scheduled: (() => void)[] = []
  return { schedule: (f: () => void) => void scheduled.push(f), runAll: () => scheduled.splice(0).forEach((f) => f()), count: () => scheduled.length }
}

describe('reply bursts', () => {
  it('holds replies until the burst is flushed, then writes them all in order, scheduling one flush per burst', () => {
    const s = manualSchedule()
    const written: number[] = []
    const burst = replyBurst(() => {}, s.schedule)
    for (const n of [1, 2, 3]) burst(() => written.push(n))
    expect(written).toEqual([])
    expect(s.count()).toBe(1)
    s.runAll()
    expect(written).toEqual([1, 2, 3])
    burst(() => written.push(4))
    expect(s.count()).toBe(1)
    s.runAll()
    expect(written).toEqual([1, 2, 3, 4])
  })

  it('writes the other replies of a burst when one of them throws, and reports it', () => {
    const s = manualSchedule()
    const written: string[] = []
    const errors: string[] = []
    const burst = replyBurst((err) => errors.push((err as Error).message), s.schedule)
    burst(() => written.push('a'))
    burst(() => {
      throw new Error('socket gone')
    })
    burst(() => written.push('c'))
    s.runAll()
    expect(written).toEqual(['a', 'c'])
    expect(errors).toEqual(['socket gone'])
  })

  it('with the default scheduler, replies queued in one turn are written after it', async () => {
    const written: string[] = []
    const burst = replyBurst(() => {})
    burst(() => written.push('reply'))
    written.push('rest of the turn')
    await new Promise((r) => setImmediate(r))
    expect(written).toEqual(['rest of the turn', 'reply'])
  })
})
