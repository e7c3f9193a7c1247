import type { Config } from '@quiet-analytics/core'
import { replayQuarantine } from '@quiet-analytics/collector'
import { withStore } from '../store-access.ts'
import { COMMANDS, PROGRAM } from '../usage.ts'

const out = (line: string) => process.stdout.write(`${line}\n`)

/** qa spool replay: tries the quarantined batches again, straight into the store. */
export async function spoolCommand(config: Config, args: string[]): Promise<number> {
  if (args[0] !== 'replay' || args.length > 1) {
    process.stderr.write(`usage: ${PROGRAM} ${COMMANDS.spool!.usage}\n`)
    return 2
  }
  return withStore(config, async (store) => {
    const results = await replayQuarantine(config, store)
    for (const r of results) out(r.error === undefined ? `stored   ${r.file}: ${r.rows} rows` : `refused  ${r.file}: ${r.error} (left in the quarantine)`)
    if (results.length === 0) out('nothing in the quarantine')
    return results.some((r) => r.error !== undefined) ? 1 : 0
  })
}
