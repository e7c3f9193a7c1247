import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser.ts'
import { childPids, commandLine, freePort, isRunning, ROOT, spawnQa } from '../support/cli-process.ts'
import { CHROME_UA } from '../support/collector-server.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'qa-start-'))
let child: ChildProcess | undefined
let out = ''
let dashboardUrl = ''


/** Ctrl-C in a terminal: SIGINT to the whole foreground process group (pnpm, and what it runs). */
async function pressCtrlC(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => (proc.exitCode === null ? proc.once('exit', (code) => r(code)) : r(proc.exitCode)))
  process.kill(-proc.pid!, 'SIGINT')
  return exited
}

afterAll(async () => {
  if (child && child.exitCode === null) await pressCtrlC(child)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('pnpm start', () => {
  it("shows the demo site's own traffic on the dashboard", async () => {
    const [collectorPort, demoPort, dashboardPort] = [await freePort(), await freePort(), await freePort()]
    // The README's command, in a process group of its own as a terminal would run it.
    child = spawn('pnpm', ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATA_DIR: dataDir, STORE_PORT: '0', COLLECTOR_PORT: String(collectorPort), DEMO_PORT: String(demoPort), DASHBOARD_PORT: String(dashboardPort), ROLLUP_INTERVAL_MS: '2000', LOG_LEVEL: 'warn' },
    })
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    await expect.poll(() => out, { timeout: 30_000 }).toMatch(/first login\s+admin \/ \S+/)
    const password = /admin \/ (\S+)/.exec(out)![1]!
    expect(out).toContain(`demo page        http://127.0.0.1:${demoPort}/`)
    expect(out).toContain(`dashboard        http://127.0.0.1:${dashboardPort}/`)
    dashboardUrl = `http://127.0.0.1:${dashboardPort}`

    const browser = await launchChromium()
    try {
      const visitor = await browser.newContext({ userAgent: CHROME_UA })
      const demo = await visitor.newPage()
      await demo.goto(`http://127.0.0.1:${demoPort}/`)
      await demo.waitForFunction(() => typeof (window as unknown as { qa?: unknown }).qa === 'function')
      await demo.click('#nav-pricing')
      await demo.waitForTimeout(300)
      await visitor.close()

      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${dashboardPort}/?site=demo&period=today`)
      await page.fill('#username', 'admin')
      await page.fill('#password', password)
      await page.click('#login button[type=submit]')
      await page.fill('#new-password', 'my-own-long-password')
      await page.click('#change-password button[type=submit]')
      await page.waitForSelector('.metric')
      await expect
        .poll(
          async () => {
            await page.reload()
            return page.locator('.metric[data-metric="pageviews"] .value').textContent({ timeout: 5000 })
          },
          { timeout: 30_000, interval: 1500 },
        )
        .toBe('2')
      expect(await page.locator('.metric[data-metric="visitors"] .value').textContent()).toBe('1')
      // Current visitors come from the realtime step, which runs after the rollup in the same
      // tick: a page loaded between the two shows 0 until it is loaded again.
      await expect
        .poll(
          async () => {
            await page.reload()
            await page.waitForSelector('.metric')
            return page.locator('#current').textContent({ timeout: 5000 })
          },
          { timeout: 30_000, interval: 1500 },
        )
        .toBe('1')
    } finally {
      await browser.close()
    }
  }, 90_000)

  it('is audited beside the running product, restarts a role that dies, and stops every process cleanly', async () => {
    const audit = spawnQa(['audit', '--json'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
    let report = ''
    audit.stdout!.on('data', (d: Buffer) => (report += d.toString()))
    expect(await new Promise((r) => audit.once('exit', r)), report).toBe(0)
    expect((JSON.parse(report) as { passed: boolean }).passed, report).toBe(true)
    // The privacy page shows that audit, read by the dashboard's own (aggregate-only) user.
    const login = await fetch(`${dashboardUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'my-own-long-password' }) })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const privacy = (await (await fetch(`${dashboardUrl}/api/privacy`, { headers: { cookie } })).json()) as { audit: { passed: boolean; report: string } | null }
    expect(privacy.audit?.passed).toBe(true)
    expect(privacy.audit?.report).toMatch(/PASS {2}dashboard_grants\s+qa_dashboard: 29 grants, all on aggregates, logs, accounts, funnel definitions and the list of parts/)
    // An admin asks for an audit from the privacy page: the supervisor passes it to the aggregator, which runs it.
    const { csrf } = (await login.json()) as { csrf: string }
    const asked = await fetch(`${dashboardUrl}/api/privacy/audit`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } })
    expect(asked.status).toBe(202)
    const history = async () => ((await (await fetch(`${dashboardUrl}/api/privacy`, { headers: { cookie } })).json()) as { auditHistory: unknown[] }).auditHistory.length
    await expect.poll(history, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)

    // The README's user commands, beside the running product: they take effect in the dashboard at once.
    const qaOut = async (args: string[]) => {
      const proc = spawnQa(args, { DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
      let text = ''
      proc.stdout!.on('data', (d: Buffer) => (text += d.toString()))
      expect(await new Promise((r) => proc.once('exit', r)), text).toBe(0)
      return text
    }
    const carolPw = /one-time password (\S+)/.exec(await qaOut(['user', 'add', 'carol']))![1]!
    const carol = await fetch(`${dashboardUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'carol', password: carolPw }) })
    expect(carol.status).toBe(200)
    const carolCookie = carol.headers.get('set-cookie')!.split(';')[0]!
    expect((await fetch(`${dashboardUrl}/api/me`, { headers: { cookie: carolCookie } })).status).toBe(200)
    expect(await qaOut(['user', 'list'])).toMatch(/^carol\tviewer/m)
    await qaOut(['user', 'remove', 'carol'])
    expect((await fetch(`${dashboardUrl}/api/me`, { headers: { cookie: carolCookie } })).status).toBe(401)

    // pnpm runs the supervisor; its own children are the store's engine and the three roles (tsx's esbuild service aside).
    const supervisor = childPids(child!.pid!).find((pid) => commandLine(pid).includes('main.ts start'))!
    const roles = childPids(supervisor).map((pid) => ({ pid, cmd: commandLine(pid) })).filter((r) => /main\.ts|engine-host/.test(r.cmd))
    const engine = roles.find((r) => r.cmd.includes('engine-host'))!
    const aggregator = roles.find((r) => / aggregator\s*$/.test(r.cmd))!
    expect(roles.map((r) => r.cmd.trim().split(' ').at(-1)).sort()).toEqual(['aggregator', 'collector', 'dashboard', engine.cmd.trim().split(' ').at(-1)].sort())
    process.kill(aggregator.pid, 'SIGKILL')
    await expect.poll(() => out, { timeout: 20_000 }).toMatch(/aggregator restarted/)
    expect(out).toMatch(/aggregator exited: restarting/)
    const descendants = [supervisor, ...childPids(supervisor), ...roles.flatMap((r) => childPids(r.pid))]
    expect(await pressCtrlC(child!)).toBe(0)
    expect(out).toContain('SIGINT: flushing and stopping')
    expect(out).not.toMatch(/ELIFECYCLE|shutdown failed/)
    await expect.poll(() => descendants.filter(isRunning), { timeout: 20_000 }).toEqual([])
  }, 60_000)
})
