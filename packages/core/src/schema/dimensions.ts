/**
 * The breakdown vocabulary, once: every dimension's SQL over the rollup's work table,
 * its label and dashboard panel, and the Plausible export column it imports from. The
 * rollup, the stats API, the import, the config schema and the dashboard UI all read
 * this table; only these names ever reach SQL text.
 *
 * Visit dimensions take the value of the visit (its first hit, its entry and exit
 * page); hit dimensions (`page`) count pageview and engagement hits.
 */
export const DIMENSIONS = {
  page: { scope: 'hit', sql: 'path', panel: 'Pages', label: 'Top pages', plausible: ['pages', 'page'] },
  entry_page: { scope: 'visit', sql: 'v_entry_page', panel: 'Pages', label: 'Entry pages', plausible: ['entry_pages', 'entry_page'] },
  exit_page: { scope: 'visit', sql: 'v_exit_page', panel: 'Pages', label: 'Exit pages', plausible: ['exit_pages', 'exit_page'] },
  hostname: { scope: 'visit', sql: 'v_hostname', label: 'Hostnames', plausible: ['pages', 'hostname'] },
  source: { scope: 'visit', sql: 'v_source', panel: 'Sources', label: 'Sources', plausible: ['sources', 'source'] },
  referrer: { scope: 'visit', sql: 'v_referrer', panel: 'Sources', label: 'Referrers', plausible: ['sources', 'referrer'] },
  utm_source: { scope: 'visit', sql: 'v_utm_source', panel: 'Sources', label: 'UTM source', plausible: ['sources', 'utm_source'] },
  utm_medium: { scope: 'visit', sql: 'v_utm_medium', panel: 'Sources', label: 'UTM medium', plausible: ['sources', 'utm_medium'] },
  utm_campaign: { scope: 'visit', sql: 'v_utm_campaign', panel: 'Sources', label: 'UTM campaign', plausible: ['sources', 'utm_campaign'] },
  utm_term: { scope: 'visit', sql: 'v_utm_term', label: 'UTM term', plausible: ['sources', 'utm_term'] },
  utm_content: { scope: 'visit', sql: 'v_utm_content', label: 'UTM content', plausible: ['sources', 'utm_content'] },
  country: { scope: 'visit', sql: 'v_country', panel: 'Locations', label: 'Countries', plausible: ['locations', 'country'] },
  language: { scope: 'visit', sql: 'v_language', panel: 'Locations', label: 'Languages' },
  browser: { scope: 'visit', sql: 'v_browser', panel: 'Devices', label: 'Browsers', plausible: ['browsers', 'browser'] },
  browser_version: {
    scope: 'visit',
    sql: "if(v_browser = '', '', concat(v_browser, ' ', v_browser_version))",
    label: 'Browser versions',
    plausible: ['browsers', 'browser_version'],
  },
  os: { scope: 'visit', sql: 'v_os', panel: 'Devices', label: 'OS', plausible: ['operating_systems', 'operating_system'] },
  os_version: {
    scope: 'visit',
    sql: "if(v_os = '', '', concat(v_os, ' ', v_os_version))",
    label: 'OS versions',
    plausible: ['operating_systems', 'operating_system_version'],
  },
  device: { scope: 'visit', sql: 'v_device', panel: 'Devices', label: 'Devices', plausible: ['devices', 'device'] },
  screen: { scope: 'visit', sql: 'v_screen', panel: 'Devices', label: 'Screens' },
} as const satisfies Record<string, DimensionDef>

export interface DimensionDef {
  scope: 'visit' | 'hit'
  /** The value's SQL over rollup_work. */
  sql: string
  /** The dashboard panel showing it as a tab; none: API and CSV only. */
  panel?: 'Pages' | 'Sources' | 'Locations' | 'Devices'
  label: string
  /** The Plausible export report and column it is imported from. */
  plausible?: readonly [report: string, column: string]
}

export type Dimension = keyof typeof DIMENSIONS
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]

export type VisitDimension = { [K in Dimension]: (typeof DIMENSIONS)[K]['scope'] extends 'visit' ? K : never }[Dimension]
export const VISIT_DIMENSION_NAMES = DIMENSION_NAMES.filter((d) => DIMENSIONS[d].scope === 'visit') as [VisitDimension, ...VisitDimension[]]

/** The value folded rows are stored under. */
export const OTHER = '(other)'
