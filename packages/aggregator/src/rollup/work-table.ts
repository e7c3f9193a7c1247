import { EVENT_KINDS } from '@quiet-analytics/core'

/** The raw columns a work row keeps, in the order of the per-visitor hit tuples below. */
const HIT_COLUMNS = ['ts', 'name', 'path', 'engagement_ms', 'props', 'hostname', 'source', 'referrer_host', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'country', 'browser', 'browser_version', 'os', 'os_version', 'device', 'screen_class', 'language'] as const
type HitColumn = (typeof HIT_COLUMNS)[number]

/** The columns a visit takes from the hit that starts it. */
const VISIT_ATTRIBUTES = ['hostname', 'source', 'referrer_host', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'country', 'browser', 'browser_version', 'os', 'os_version', 'device', 'screen_class', 'language'] as const satisfies readonly HitColumn[]

/** A column of a hit tuple. */
const col = (name: HitColumn, hit = 'h') => `${hit}.${HIT_COLUMNS.indexOf(name) + 1}`
/** An event kind's test over a hit tuple instead of a row. */
const kind = (k: keyof typeof EVENT_KINDS) => EVENT_KINDS[k].replace(/\bname\b/g, col('name'))
/** A visit's hits that are of one kind. */
const hitsOf = (k: keyof typeof EVENT_KINDS) => `arrayFilter(h -> ${kind(k)}, v)`

/**
 * Fills rollup_work with one site-day of hits, each carrying its visit number and its
 * visit's attributes. A visit is a run of one visitor's hits with gaps under 30
 * minutes, from the visitor's first pageview of the day on; engagement events (sent
 * when a page is hidden) extend a visit but never start one. Visits without a pageview
 * or custom event are left out. Ties on time are broken by name and path so reruns
 * give identical results.
 *
 * Each visitor's hits are gathered into one array, sorted once and split into visits
 * (arraySplit), then unfolded into one row per visit and one row per hit: one hash
 * aggregation instead of a sort of every row per window. No lambda reads an array
 * other than the one it walks: ClickHouse repeats a lambda's outer arrays for every
 * element, which would cost the square of a visitor's hits (a crawler's thousands).
 * Visitors are numbered 1, 2, 3... in place of their hashes: the aggregates' exact
 * visitor sets then hold 32-bit numbers, half the memory of 64-bit hashes.
 */
export const BUILD_WORK_SQL = `
INSERT INTO rollup_work
SELECT {site:String}, {day:Date}, ${col('ts')}, visitor_no, visitor_visits, visit_no, toUInt8(hit_no = 1), ${col('name')}, ${col('path')}, ${col('engagement_ms')}, ${col('props')},
  ${VISIT_ATTRIBUTES.map((a) => col(a, 'head')).join(', ')},
  entry_page, exit_page, pageviews, toUInt8(pageviews <= 1 AND events = 0 AND engagement < {bounce_ms:UInt32}), duration, events, engagement, engagements,
  toUInt8(page_hit_no = 1 AND NOT ${kind('custom')})
FROM (
  -- Only single values of the visit are read past the last ARRAY JOIN, which repeats them for every hit.
  SELECT visitor_no, visitor_visits, toUInt32(n) AS visit_no, v, v[1] AS head,
    -- Hits are in time order: a visit's first and last are its earliest and latest.
    toUInt32(dateDiff('second', ${col('ts', 'head')}, ${col('ts', 'v[-1]')})) AS duration,
    toUInt32(length(${hitsOf('pageview')})) AS pageviews,
    toUInt32(length(${hitsOf('custom')})) AS events,
    arraySum(h -> ${col('engagement_ms')}, ${hitsOf('engagement')}) AS engagement,
    toUInt32(length(${hitsOf('engagement')})) AS engagements,
    -- In (ts, name, path) order, a visit's first pageview has the least (ts, path) of its pageviews.
    ${col('path', `arrayFirst(h -> ${kind('pageview')}, v)`)} AS entry_page,
    ${col('path', `arrayLast(h -> ${kind('pageview')}, v)`)} AS exit_page
  FROM (
    -- Which visitor gets which number is of no consequence: only distinct counts are taken.
    SELECT toUInt32(row_number() OVER ()) AS visitor_no, arraySplit((h, s) -> s, hits, starts) AS visits,
      arrayMap(v -> arrayExists(h -> ${kind('pageview')} OR ${kind('custom')}, v), visits) AS counted,
      toUInt32(arraySum(counted)) AS visitor_visits
    FROM (
      SELECT hits, arrayMap(h -> ${col('ts')}, hits) AS times,
        arrayMap((h, previous, i) -> toUInt8(i = 1 OR (${col('name')} != 'engagement' AND dateDiff('millisecond', previous, ${col('ts')}) >= {gap_ms:UInt32})),
          hits, arrayPushFront(arrayPopBack(times), times[1]), arrayEnumerate(hits)) AS starts
      FROM (
        -- What comes before a visitor's first pageview of the day attaches to nothing: the
        -- tail of a visit that began the day before (under the day before's salt), or events
        -- of someone whose page was never counted. No visit may start without a page.
        SELECT arrayFilter(h -> ${col('ts')} >= minIf(ts, ${EVENT_KINDS.pageview}),
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
  ARRAY JOIN visits AS v, arrayEnumerate(visits) AS n, counted AS visit_counted
  WHERE visit_counted
)
-- A page's hits in a visit are numbered apart from the custom events on it, which are not the page's hits.
ARRAY JOIN v AS h, arrayEnumerate(v) AS hit_no, arrayEnumerateUniq(arrayMap(h -> tuple(${col('path')}, ${kind('custom')}), v)) AS page_hit_no
`
