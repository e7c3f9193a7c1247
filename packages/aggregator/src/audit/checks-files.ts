import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Check } from './audit-types.ts'

/** The places the product writes on this machine: the data directory, a spool elsewhere, an earlier version's account file not yet moved. */
function productPaths(config: Parameters<Check['run']>[0]['config']): string[] {
  return [...new Set([config.dataDir, config.collector.spoolDir, config.dashboard.authFile].filter((p): p is string => p !== undefined))]
}

/** Every path under `root` whose mode lets the group or others in. */
function widerThanOwner(root: string): { checked: number; wide: string[] } {
  const wide: string[] = []
  let checked = 0
  const visit = (path: string) => {
    let st
    try {
      st = lstatSync(path)
    } catch {
      return
    }
    if (st.isSymbolicLink()) return
    checked++
    if ((st.mode & 0o077) !== 0) wide.push(`${path} (${(st.mode & 0o777).toString(8)})`)
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name))
  }
  visit(root)
  return { checked, wide }
}

export const fileModesCheck: Check = {
  id: 'file_modes',
  title: 'files the product keeps are readable by its own user only',
  async run({ config }) {
    let checked = 0
    const wide: string[] = []
    for (const root of productPaths(config)) {
      const r = widerThanOwner(root)
      checked += r.checked
      wide.push(...r.wide)
    }
    if (wide.length === 0) return { status: 'pass', detail: `${checked} files and directories, none open to group or others` }
    return { status: 'fail', detail: `${wide.length} open to group or others: ${wide.slice(0, 5).join(', ')}${wide.length > 5 ? ', ...' : ''}` }
  },
}
