import { DIMENSIONS, OTHER, VISIT_DIMENSION_NAMES, type VisitDimension } from '@quiet-analytics/core'

/** The page's number in a group key; visit dimensions are 1, 2, 3... and 0 is no dimension. */
export const PAGE_DIM = 255
export const visitDimNumber = (d: VisitDimension) => VISIT_DIMENSION_NAMES.indexOf(d) + 1

const LOW = '0x00FFFFFFFFFFFFFF'
const VISIT_DIM_NAMES_SQL = `[${VISIT_DIMENSION_NAMES.map((n) => `'${n}'`).join(', ')}]`

/**
 * A dimension's value as one 64-bit number: the dimension's number in the top byte, a
 * 56-bit hash of the value below. Two such keys fit the aggregation's fastest
 * fixed-size hash table; two values of one dimension share a key with odds of n²/2⁵⁷
 * for n values a day (under one in a million for a hundred thousand pages).
 */
export const groupKey = (dim: string | number, value: string) => `bitOr(bitShiftLeft(toUInt64(${dim}), 56), bitAnd(sipHash64(${value}), ${LOW}))`

/** The low bits of every dimension's (other) key. */
const OTHER_LOW = `bitAnd(sipHash64('${OTHER}'), ${LOW})`

/** Whether a key is some dimension's (other). */
export const isOtherKey = (k: string) => `bitAnd(${k}, ${LOW}) = ${OTHER_LOW}`

/** A key's dimension name: '' for 0 (no dimension). */
export const dimNameOfKey = (k: string) => `multiIf(bitShiftRight(${k}, 56) AS n_${k} = 0, '', n_${k} = ${PAGE_DIM}, 'page', ${VISIT_DIM_NAMES_SQL}[n_${k}])`

const THIS_DAY = 'site_id = {site:String} AND day = {day:Date}'

/**
 * The keys of the day's filter values with fewer than k visitors, for the start of a
 * statement that folds them: they are folded into (other) before anything is counted
 * per filter value, so no row names a filter value too small to show. A scalar of the
 * statement, which the engine computes once however many times the statement tests it
 * (an IN subquery would be computed at each test), and not a list passed in: a long
 * tail of entry pages can hold more small values than a request's URL can carry.
 */
export function withSmallFilterKeys(filterDimensions: readonly VisitDimension[]): string {
  if (filterDimensions.length === 0) return ''
  return `WITH (
  SELECT groupArray(d) FROM (
    SELECT d FROM rollup_work
    ARRAY JOIN [${filterDimensions.map((f) => groupKey(visitDimNumber(f), DIMENSIONS[f].sql)).join(', ')}] AS d
    WHERE ${THIS_DAY} AND first_in_visit = 1
    GROUP BY d
    HAVING uniqExact(visitor_no) < {k:UInt32})) AS small_filter_keys`
}

/** Whether a filter value's key is small, in a statement that starts withSmallFilterKeys. A set, not has(): the list may be long. */
const isSmallFilterKey = (key: string) => `${key} IN (SELECT arrayJoin(small_filter_keys))`

/** A filter value's key as counted: its own, or its dimension's (other) if the value is small. */
export const foldedFilterKey = (key: string) =>
  `if(${isSmallFilterKey(key)}, bitOr(bitAnd(${key}, 0xFF00000000000000), ${OTHER_LOW}), ${key})`
