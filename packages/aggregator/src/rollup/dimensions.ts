/**
 * The breakdown vocabulary: each dimension's name and its SQL expression over
 * rollup_work. Visit dimensions take the value of the visit (its first hit, its entry
 * and exit page); `page` is per hit. Only these names ever reach SQL text.
 */
export const VISIT_DIMENSIONS = {
  source: 'v_source',
  referrer: 'v_referrer',
  utm_source: 'v_utm_source',
  utm_medium: 'v_utm_medium',
  utm_campaign: 'v_utm_campaign',
  utm_term: 'v_utm_term',
  utm_content: 'v_utm_content',
  country: 'v_country',
  browser: 'v_browser',
  browser_version: "if(v_browser = '', '', concat(v_browser, ' ', v_browser_version))",
  os: 'v_os',
  os_version: "if(v_os = '', '', concat(v_os, ' ', v_os_version))",
  device: 'v_device',
  screen: 'v_screen',
  language: 'v_language',
  hostname: 'v_hostname',
  entry_page: 'v_entry_page',
  exit_page: 'v_exit_page',
} as const

/** Per-hit dimensions, counted over pageview and engagement hits. */
export const HIT_DIMENSIONS = {
  page: 'path',
} as const

export const DIMENSIONS = { ...VISIT_DIMENSIONS, ...HIT_DIMENSIONS }

export type Dimension = keyof typeof DIMENSIONS
export type VisitDimension = keyof typeof VISIT_DIMENSIONS

export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as Dimension[]

export function isVisitDimension(name: string): name is VisitDimension {
  return Object.hasOwn(VISIT_DIMENSIONS, name)
}

/** The value folded rows are stored under. */
export const OTHER = '(other)'
