import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { SingleBar } from 'cli-progress'
import { minGroupSize, resolveSite, type Config } from '@quiet-analytics/core'
import { applyImport, planImport, readPlausibleExport } from '@quiet-analytics/aggregator'
import { withStore } from '../store-access.ts'
import { PROGRAM } from '../usage.ts'

/** qa import plausible EXPORT.zip --site ID [--dry-run] */
export async function importCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { site: { type: 'string' }, 'dry-run': { type: 'boolean' } }, allowPositionals: true })
  const [source, file] = positionals
  if (source !== 'plausible' || !file || !values.site) {
    process.stderr.write(`usage: ${PROGRAM} import plausible EXPORT.zip --site SITE_ID [--dry-run]\n`)
    return 2
  }
  const site = config.sites.map(resolveSite).find((s) => s.id === values.site)
  if (!site) {
    process.stderr.write(`unknown site ${values.site}: configure it first\n`)
    return 2
  }
  const plan = planImport(site.id, readPlausibleExport(readFileSync(file)), minGroupSize(site, config.aggregation))
  const summary = `${plan.days.length} days (${plan.days[0] ?? '-'} to ${plan.days.at(-1) ?? '-'}): ${plan.totals.length} daily totals, ${plan.breakdowns.length} breakdown rows, ${plan.events.length} event rows`
  if (plan.skippedReports.length > 0) process.stdout.write(`skipped reports without a matching dimension: ${plan.skippedReports.join(', ')}\n`)
  if (values['dry-run']) {
    process.stdout.write(`would import ${summary}\n`)
    return 0
  }
  return withStore(config, async (store) => {
    const bar = new SingleBar({ format: 'import [{bar}] {value}/{total} rows', stream: process.stderr, hideCursor: true })
    bar.start(plan.totals.length + plan.breakdowns.length + plan.events.length, 0)
    await applyImport(store.client, values.site!, plan, (done) => bar.update(done))
    bar.stop()
    process.stdout.write(`imported ${summary}\n`)
    return 0
  })
}
