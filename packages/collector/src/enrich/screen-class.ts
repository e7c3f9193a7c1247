export type ScreenClass = 'mobile' | 'tablet' | 'laptop' | 'desktop' | ''

/** Buckets the viewport width: the class is kept, never the exact width. */
export function screenClass(width: number | null | undefined): ScreenClass {
  if (width === null || width === undefined || width <= 0) return ''
  if (width < 576) return 'mobile'
  if (width < 992) return 'tablet'
  if (width < 1440) return 'laptop'
  return 'desktop'
}
