/**
 * Fills rollup_work with one site-day of hits, each carrying its visit number and its
 * visit's attributes. A visit is a run of one visitor's hits with gaps under 30
 * minutes; engagement events (sent when a page is hidden) extend a visit but never
 * start one. Visits without a pageview or custom event are left out. Ties on time are
 * broken by name and path so reruns give identical results.
 */
export const BUILD_WORK_SQL = `
INSERT INTO rollup_work
WITH
  hits AS (
    SELECT ts, visitor_id, name, path, hostname, source, referrer_host, utm_source, utm_medium, utm_campaign,
           utm_term, utm_content, country, browser, browser_version, os, os_version, device, screen_class,
           language, engagement_ms, props
    FROM raw_hits
    WHERE site_id = {site:String}
      AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
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
    SELECT visitor_id, visit_no,
      argMin(hostname, (ts, name, path)) AS v_hostname,
      argMin(source, (ts, name, path)) AS v_source,
      argMin(referrer_host, (ts, name, path)) AS v_referrer,
      argMin(utm_source, (ts, name, path)) AS v_utm_source,
      argMin(utm_medium, (ts, name, path)) AS v_utm_medium,
      argMin(utm_campaign, (ts, name, path)) AS v_utm_campaign,
      argMin(utm_term, (ts, name, path)) AS v_utm_term,
      argMin(utm_content, (ts, name, path)) AS v_utm_content,
      argMin(country, (ts, name, path)) AS v_country,
      argMin(browser, (ts, name, path)) AS v_browser,
      argMin(browser_version, (ts, name, path)) AS v_browser_version,
      argMin(os, (ts, name, path)) AS v_os,
      argMin(os_version, (ts, name, path)) AS v_os_version,
      argMin(device, (ts, name, path)) AS v_device,
      argMin(screen_class, (ts, name, path)) AS v_screen,
      argMin(language, (ts, name, path)) AS v_language,
      argMinIf(path, (ts, path), name = 'pageview') AS v_entry_page,
      argMaxIf(path, (ts, path), name = 'pageview') AS v_exit_page,
      toUInt32(countIf(name = 'pageview')) AS v_pageviews,
      countIf(name NOT IN ('pageview', 'engagement')) AS customs,
      toUInt8(v_pageviews <= 1 AND customs = 0 AND sumIf(engagement_ms, name = 'engagement') < {bounce_ms:UInt32}) AS v_bounce,
      toUInt32(dateDiff('second', min(ts), max(ts))) AS v_duration_s,
      toUInt32(customs) AS v_events,
      sumIf(engagement_ms, name = 'engagement') AS v_engagement_ms,
      toUInt32(countIf(name = 'engagement')) AS v_engagements
    FROM numbered
    GROUP BY visitor_id, visit_no
    HAVING v_pageviews + customs > 0
  )
SELECT
  {site:String} AS site_id, {day:Date} AS day, n.ts, n.visitor_id, n.visit_no, toUInt8(n.first_in_visit), n.name, n.path,
  n.engagement_ms, n.props,
  v.v_hostname, v.v_source, v.v_referrer, v.v_utm_source, v.v_utm_medium, v.v_utm_campaign, v.v_utm_term, v.v_utm_content,
  v.v_country, v.v_browser, v.v_browser_version, v.v_os, v.v_os_version, v.v_device, v.v_screen, v.v_language,
  v.v_entry_page, v.v_exit_page, v.v_pageviews, v.v_bounce, v.v_duration_s, v.v_events, v.v_engagement_ms, v.v_engagements
FROM numbered AS n
INNER JOIN visits AS v ON n.visitor_id = v.visitor_id AND n.visit_no = v.visit_no
`
