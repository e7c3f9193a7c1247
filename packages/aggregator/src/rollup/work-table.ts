import { HIT_SQL } from '@quiet-analytics/core'

/**
 * Fills rollup_work with one site-day of hits, each carrying its visit number and its
 * visit's attributes. A visit is a run of one visitor's hits with gaps under 30
 * minutes, from the visitor's first pageview of the day on; engagement events (sent
 * when a page is hidden) extend a visit but never start one. Visits without a pageview
 * or custom event are left out. Ties on time are
 * broken by name and path so reruns give identical results.
 */
export const BUILD_WORK_SQL = `
INSERT INTO rollup_work
WITH
  day_hits AS (
    SELECT ts, visitor_id, name, path, hostname, source, referrer_host, utm_source, utm_medium, utm_campaign,
           utm_term, utm_content, country, browser, browser_version, os, os_version, device, screen_class,
           language, engagement_ms, props,
           ${HIT_SQL.pageviews} OVER visitor AS day_pageviews,
           minIf(ts, name = 'pageview') OVER visitor AS first_pageview
    FROM raw_hits
    WHERE site_id = {site:String}
      AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
      AND inserted_at <= fromUnixTimestamp64Milli({read_until:Int64}, 'UTC')
    WINDOW visitor AS (PARTITION BY visitor_id)
  ),
  hits AS (
    -- What comes before a visitor's first pageview of the day attaches to nothing: the
    -- tail of a visit that began the day before (under the day before's salt), or events
    -- of someone whose page was never counted. No visit may start without a page.
    SELECT * EXCEPT (day_pageviews, first_pageview) FROM day_hits WHERE day_pageviews > 0 AND ts >= first_pageview
  ),
  gaps AS (
    SELECT *,
      if(row_number() OVER w = 1
         OR (name != 'engagement' AND dateDiff('millisecond', lagInFrame(ts, 1, ts) OVER w, ts) >= {gap_ms:UInt32}), 1, 0) AS starts
    FROM hits
    WINDOW w AS (PARTITION BY visitor_id ORDER BY ts, name, path ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  ),
  numbered AS (
    -- The hit that starts a visit is its first: no second window needed.
    SELECT *, starts AS first_in_visit,
      toUInt32(sum(starts) OVER (PARTITION BY visitor_id ORDER BY ts, name, path ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS visit_no
    FROM gaps
  ),
  visits AS (
    -- The visit's attributes as window aggregates: one pass over the numbered hits (a CTE
    -- read twice, by a GROUP BY and a JOIN, is computed twice). Each visit has exactly one
    -- hit that starts it, its first in (ts, name, path) order: its values are the visit's,
    -- taken without comparing tuples.
    SELECT *,
      anyIf(hostname, first_in_visit = 1) OVER visit AS v_hostname,
      anyIf(source, first_in_visit = 1) OVER visit AS v_source,
      anyIf(referrer_host, first_in_visit = 1) OVER visit AS v_referrer,
      anyIf(utm_source, first_in_visit = 1) OVER visit AS v_utm_source,
      anyIf(utm_medium, first_in_visit = 1) OVER visit AS v_utm_medium,
      anyIf(utm_campaign, first_in_visit = 1) OVER visit AS v_utm_campaign,
      anyIf(utm_term, first_in_visit = 1) OVER visit AS v_utm_term,
      anyIf(utm_content, first_in_visit = 1) OVER visit AS v_utm_content,
      anyIf(country, first_in_visit = 1) OVER visit AS v_country,
      anyIf(browser, first_in_visit = 1) OVER visit AS v_browser,
      anyIf(browser_version, first_in_visit = 1) OVER visit AS v_browser_version,
      anyIf(os, first_in_visit = 1) OVER visit AS v_os,
      anyIf(os_version, first_in_visit = 1) OVER visit AS v_os_version,
      anyIf(device, first_in_visit = 1) OVER visit AS v_device,
      anyIf(screen_class, first_in_visit = 1) OVER visit AS v_screen,
      anyIf(language, first_in_visit = 1) OVER visit AS v_language,
      argMinIf(path, (ts, path), name = 'pageview') OVER visit AS v_entry_page,
      argMaxIf(path, (ts, path), name = 'pageview') OVER visit AS v_exit_page,
      toUInt32(${HIT_SQL.pageviews} OVER visit) AS v_pageviews,
      toUInt8(${HIT_SQL.pageviews} OVER visit <= 1 AND ${HIT_SQL.events} OVER visit = 0 AND ${HIT_SQL.engagementMs} OVER visit < {bounce_ms:UInt32}) AS v_bounce,
      toUInt32(dateDiff('second', min(ts) OVER visit, max(ts) OVER visit)) AS v_duration_s,
      toUInt32(${HIT_SQL.events} OVER visit) AS v_events,
      ${HIT_SQL.engagementMs} OVER visit AS v_engagement_ms,
      toUInt32(${HIT_SQL.engagements} OVER visit) AS v_engagements
    FROM numbered
    WINDOW visit AS (PARTITION BY visitor_id, visit_no)
  )
SELECT
  {site:String} AS site_id, {day:Date} AS day, ts, visitor_id, visit_no, toUInt8(first_in_visit), name, path,
  engagement_ms, props,
  v_hostname, v_source, v_referrer, v_utm_source, v_utm_medium, v_utm_campaign, v_utm_term, v_utm_content,
  v_country, v_browser, v_browser_version, v_os, v_os_version, v_device, v_screen, v_language,
  v_entry_page, v_exit_page, v_pageviews, v_bounce, v_duration_s, v_events, v_engagement_ms, v_engagements
FROM visits
WHERE v_pageviews + v_events > 0
`
