/** The primary language of the first Accept-Language entry ("de-AT,de;q=0.9" -> "de"). */
export function primaryLanguage(acceptLanguage: string | undefined): string {
  if (!acceptLanguage) return ''
  const first = acceptLanguage.split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? ''
  const primary = first.split('-')[0] ?? ''
  return /^[a-z]{2,3}$/.test(primary) ? primary : ''
}
