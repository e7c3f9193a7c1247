import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Reader, type Response } from 'maxmind'

export type CountryLookup = (truncatedIp: string) => string

const require = createRequire(import.meta.url)

/**
 * Country from the CC0 geo-whois-asn-country database shipped as an npm package,
 * looked up on the already truncated address (its data is per network, so a /24 or
 * /48 resolves as well as the full address would).
 */
export function openCountryLookup(): CountryLookup {
  const file = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')
  const reader = new Reader<Response & { country_code?: string }>(readFileSync(file))
  return (ip) => {
    const code = reader.get(ip)?.country_code
    return code && /^[A-Z]{2}$/.test(code) ? code : ''
  }
}
