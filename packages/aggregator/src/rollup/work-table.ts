import { EVENT_KINDS } from '@quiet-analytics/core'

/** The raw columns a work row keeps, in the order of the per-visitor hit tuples below. */
const HIT_COLUMNS = ['ts', 'name', 'path', 'engagement_ms', 'props', 'hostname', 'source', 'referrer_host', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'country', 'browser', 'browser_version', 'os', 'os_version', 'device', 'screen_class', 'language'] as const
type HitColumn = (typeof HIT_COLUMNS)[number]

/** The columns a visit takes from the hit that starts it. */
const VISIT_ATTRIBUTES = ['hostname', 'source', 'referrer_host', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'country', 'browser', 'browser_version', 'os', 'os_version', 'device', 'screen_class', 'language'] as const satisfies readonly HitColumn[]

/** A column of a hit tuple. */
const col = (name: HitColumn, hit = 'h') => `${hit}.${HIT_COLUMNS.indexOf(name) + 1}`
/** One value per visit of the visitor: an aggregate over each visit's run of hits. */
const perVisit = (fn: string, ...perHit: string[]) => `arrayReduceInRanges('${fn}', ranges, ${perHit.map((x) => `arrayMap(h -> ${x}, hits)`).join(', ')})`
/** An event kind's test over a hit tuple instead of a row. */
const kind = (k: keyof typeof EVENT_KINDS) => EVENT_KINDS[k].replace(/\bname\b/g, col('name'))

/**
 * Fills rollup_work with one site-day of hits, each carrying its visit number and its
 * visit's attributes. A visit is a run of one visitor's hits with gaps under 30
 * minutes, from the visitor's first pageview of the day on; engagement events (sent
 * when a page is hidden) extend a visit but never start one. Visits without a pageview
 * or custom event are left out. Ties on time are broken by name and path so reruns
 * give identical results.
 *
 * Each visitor's hits are gathered into one array, sorted once and cut into visits
 * with array functions (a visit is a range of that array), then unfolded back into
 * rows: one hash aggregation instead of a sort of every row per window. Visitors are
 * numbered 1, 2, 3... in place of their hashes: the aggregates' exact visitor sets
 * then hold 32-bit numbers, half the memory of 64-bit hashes.
 */
export const BUILD_WORK_SQL = `
INSERT INTO rollup_work
SELECT {site:String}, {day:Date}, ${col('ts')}, visitor_no, toUInt32(arrayCount((p, e) -> p + e > 0, pageviews, events)), toUInt32(visit_nos[i]) AS visit_no, starts[i], ${col('name')}, ${col('path')}, ${col('engagement_ms')}, ${col('props')},
  ${VISIT_ATTRIBUTES.map((a) => col(a, 'hits[firsts[visit_no]]')).join(', ')},
  entry_pages[visit_no], exit_pages[visit_no], toUInt32(pageviews[visit_no]) AS v_pageviews,
  toUInt8(v_pageviews <= 1 AND events[visit_no] = 0 AND engagement[visit_no] < {bounce_ms:UInt32}),
  -- Hits are in time order: a visit's first and last are its earliest and latest.
  toUInt32(dateDiff('second', hits[firsts[visit_no]].1, hits[firsts[visit_no] + ranges[visit_no].2 - 1].1)),
  toUInt32(events[visit_no]), engagement[visit_no], toUInt32(engagements[visit_no])
FROM (
  SELECT *,
    ${perVisit('countIf', kind('pageview'))} AS pageviews,
    ${perVisit('countIf', kind('custom'))} AS events,
    ${perVisit('sumIf', col('engagement_ms'), kind('engagement'))} AS engagement,
    ${perVisit('countIf', kind('engagement'))} AS engagements,
    ${perVisit('argMinIf', col('path'), `tuple(${col('ts')}, ${col('path')})`, kind('pageview'))} AS entry_pages,
    ${perVisit('argMaxIf', col('path'), `tuple(${col('ts')}, ${col('path')})`, kind('pageview'))} AS exit_pages
  FROM (
    -- Visit n starts at hit firsts[n] and spans ranges[n] = (firsts[n], its length).
    -- Which visitor gets which number is of no consequence: only distinct counts are taken.
    SELECT *, toUInt32(row_number() OVER ()) AS visitor_no, arrayCumSum(starts) AS visit_nos,
      arrayFilter((i, s) -> s = 1, arrayEnumerate(starts), starts) AS firsts,
      arrayMap((f, n) -> tuple(f, toUInt64(if(n = length(firsts), length(hits) + 1, firsts[n + 1]) - f)), firsts, arrayEnumerate(firsts)) AS ranges
    FROM (
      SELECT visitor_id, hits,
        arrayMap((h, i) -> toUInt8(i = 1 OR (${col('name')} != 'engagement' AND dateDiff('millisecond', hits[i - 1].1, ${col('ts')}) >= {gap_ms:UInt32})), hits, arrayEnumerate(hits)) AS starts
      FROM (
        -- What comes before a visitor's first pageview of the day attaches to nothing: the
        -- tail of a visit that began the day before (under the day before's salt), or events
        -- of someone whose page was never counted. No visit may start without a page.
        SELECT visitor_id,
          arrayFilter(h -> ${col('ts')} >= minIf(ts, ${EVENT_KINDS.pageview}),
            arraySort(h -> (${col('ts')}, ${col('name')}, ${col('path')}), groupArray(tuple(${HIT_COLUMNS.join(', ')})))) AS hits
        FROM raw_hits
        WHERE site_id = {site:String}
          AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
          AND inserted_at <= fromUnixTimestamp64Milli({read_until:Int64}, 'UTC')
        GROUP BY visitor_id
        HAVING countIf(${EVENT_KINDS.pageview}) > 0
      )
    )
  )
)
ARRAY JOIN hits AS h, arrayEnumerate(hits) AS i
WHERE pageviews[visit_no] + events[visit_no] > 0
`
