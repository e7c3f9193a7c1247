import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '@quiet-analytics/core'
import { COMMANDS, commandHelp } from '../src/usage.ts'
import { startBanner } from '../src/commands/start-banner.ts'
import { whyNothingToRollUp } from '../src/commands/maintenance.ts'
import { ROOT, spawnQa } from '../../../test/support/cli-process.ts'

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnQa(args, { LOG_LEVEL: 'silent' })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })))
}

describe('qa explains itself', () => {
  it('answers --help for every command, before touching the store or the configuration', async () => {
    for (const name of Object.keys(COMMANDS)) expect(commandHelp(name), name).toMatch(new RegExp(`^usage: qa ${name}`))
    // Wired in main: a bad configuration would exit 78, a command run 0 after doing its work.
    const [rollup, user, bogus] = await Promise.all([run(['rollup', '--help']), run(['help', 'user']), run(['bogus', '--help'])])
    expect(rollup.code, rollup.stderr).toBe(0)
    expect(rollup.stdout).toContain('--force')
    expect(rollup.stdout).toContain('usage: qa rollup [--day D]... [--from D --to D] [--force]')
    expect(user.code).toBe(0)
    expect(user.stdout).toContain('--role')
    expect(bogus.code).toBe(2)
    expect(bogus.stderr).toContain('unknown command bogus')
  })

  it('refuses a configuration typo at start-up with exit 78, the key and the nearest valid one, and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qa-usage-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ retention: { rawTTLHours: 1 } }))
    const child = spawnQa(['purge', '--dry-run'], { LOG_LEVEL: 'silent', CONFIG_FILE: file, DATA_DIR: dir })
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise((resolve) => child.once('exit', resolve))
    expect(code).toBe(78)
    expect(stderr).toContain('retention.rawTTLHours: unknown setting (did you mean rawTtlHours?)')
    expect(stderr).not.toMatch(/\n\s+at /)
    rmSync(dir, { recursive: true, force: true })
  })

  it("lists every command in the README's command list", () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8')
    for (const c of Object.values(COMMANDS)) expect(readme, c.usage).toContain(c.usage === 'start' ? 'pnpm start' : `pnpm qa ${c.usage}`)
  })

  it('says which sites it serves, and that configured sites replace the demo site', () => {
    const parts = { store: 'http://127.0.0.1:8790', collector: 'http://127.0.0.1:8787', dashboard: 'http://127.0.0.1:8789', firstAdminPassword: undefined }
    const config = loadConfig({}, { sites: [{ id: 'blog', domains: ['blog.example'], timezone: 'Europe/Berlin' }, { domains: ['shop.example'], minGroupSize: 10 }] })
    const banner = startBanner(config, { ...parts, demo: undefined })
    expect(banner).toContain('  sites            blog: blog.example (Europe/Berlin, minimum group size 5)')
    expect(banner).toContain('                   shop.example: shop.example (UTC, minimum group size 10)')
    expect(banner).toContain('demo page        off: sites are configured, so the demo site is not added')
  })

  it('says why there is nothing to roll up, and how to force it', () => {
    const site = loadConfig({}, { sites: [{ domains: ['a.example'] }] }).sites.map((s) => ({ ...s, id: 'a', allowedOrigins: [], goals: [] }))[0]!
    const at = Date.parse('2026-11-23T10:15:00Z')
    expect(whyNothingToRollUp([], false)).toMatch(/no raw hits in the store/)
    expect(whyNothingToRollUp([], true)).toMatch(/no raw hits for these days/)
    const explained = whyNothingToRollUp(
      [
        { due: false, site, day: '2026-11-23', why: 'unchanged', lastAt: at },
        { due: false, site, day: '2026-11-20', why: 'closed', lastAt: at - 86_400_000 },
      ],
      false,
    )
    expect(explained).toContain('1 site-day already rolled up, with no raw hit since (last rollup 2026-11-23 10:15 UTC)')
    expect(explained).toContain('1 site-day closed')
    expect(explained).toContain('qa rollup --force')
  })
})
