import { describe, expect, it } from 'vitest'
import { bucketMedian } from '../src/stats/funnel-service.ts'

describe('median of bucketed step times (pure)', () => {
  it('is the bucket holding the lower middle value, whatever the order the buckets come in', () => {
    expect(bucketMedian([])).toBeNull()
    expect(bucketMedian([[10, 1]])).toBe(10)
    expect(bucketMedian([[60, 1], [3, 1], [25, 1], [8, 1], [10, 1]])).toBe(10)
    expect(bucketMedian([[1, 1], [30, 1]])).toBe(1)
    expect(bucketMedian([[5, 3], [600, 2]])).toBe(5)
    expect(bucketMedian([[5, 2], [600, 3]])).toBe(600)
  })
})
