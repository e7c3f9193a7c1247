import { unzipSync, strFromU8 } from 'fflate'
import { parse } from 'csv-parse/sync'

/** One Plausible export report: its rows keyed by column name. */
export interface PlausibleReport {
  name: string
  rows: Record<string, string>[]
}

/** Report name from an export file name: "imported_sources_20240101_20241231.csv" -> "sources". */
export function reportName(file: string): string | undefined {
  const m = /(?:^|\/)imported_([a-z_]+?)(?:_\d{8}_\d{8})?\.csv$/.exec(file)
  return m?.[1]
}

/** Reads the zip of per-report CSV files a Plausible export produces. */
export function readPlausibleExport(zip: Uint8Array): PlausibleReport[] {
  const files = unzipSync(zip)
  const reports: PlausibleReport[] = []
  for (const [file, bytes] of Object.entries(files)) {
    const name = reportName(file)
    if (!name) continue
    const rows = parse(strFromU8(bytes), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[]
    reports.push({ name, rows })
  }
  return reports
}
