import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROME_UA } from '../support/collector-server.ts'
import { childPids, freePort, isRunning, ROOT, stopProcess, whenPrinted, withDataDir } from '../support/cli-process.ts'

/**
 * The packages as a site owner gets them: built, packed, installed with npm into an
 * app outside this repository, and used from plain JavaScript and from TypeScript.
 */
const run = promisify(execFile)
const PACKAGES = ['core', 'store', 'collector', 'aggregator', 'dashboard', 'cli']
const work = mkdtempSync(join(tmpdir(), 'qa-packed-'))
const packs = join(work, 'packs')
const app = join(work, 'app')
const EXAMPLE_APP = join(ROOT, 'examples/express-app/app.mjs')
const EXAMPLE_CONSUMER = join(ROOT, 'examples/typescript/consumer.mts')
const running: ChildProcess[] = []

const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 1 << 24 })
const tarballs = () => readdirSync(packs).filter((f) => f.endsWith('.tgz')).map((f) => join(packs, f))
const tarball = (name: string) => tarballs().find((f) => f.endsWith(`/${name.replace('@', '').replace('/', '-')}-0.1.0.tgz`))!
const manifestOf = async (tgz: string) => JSON.parse((await run('tar', ['-xzOf', tgz, 'package/package.json'])).stdout) as Record<string, unknown>
const listOf = async (tgz: string) => (await run('tar', ['-tzf', tgz], { maxBuffer: 1 << 24 })).stdout.split('\n').filter(Boolean)

function bytesUnder(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += bytesUnder(path)
    else if (entry.isFile()) total += statSync(path).size
  }
  return total
}

function launch(command: string, args: string[], cwd: string, env: Record<string, string>): ChildProcess {
  const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  running.push(proc)
  return proc
}

const descendants = (pid: number): number[] => childPids(pid).flatMap((child) => [child, ...descendants(child)])

/** Ctrl-C to the whole process group, as a terminal sends it (npx, and what it runs). */
async function interrupt(proc: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => (proc.exitCode === null && proc.signalCode === null ? proc.once('exit', () => r()) : r()))
  process.kill(-proc.pid!, 'SIGINT')
  await exited
}

/** npx itself dies of the signal; what it ran (the CLI, its roles, the engine) must end, cleanly, by itself. */
async function stopsEverything(proc: ChildProcess): Promise<void> {
  const started = descendants(proc.pid!)
  expect(started.length).toBeGreaterThan(0)
  await interrupt(proc)
  await expect.poll(() => started.filter(isRunning), { timeout: 30_000 }).toEqual([])
}

async function sendPageview(collectorUrl: string, domain: string, path: string): Promise<number> {
  const res = await fetch(`${collectorUrl}/api/event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
    body: JSON.stringify({ n: 'pageview', u: `https://${domain}${path}`, d: domain }),
  })
  return res.status
}

const storedPaths = (dataDir: string, like: string) =>
  withDataDir(dataDir, async (s) => (await s.client.query({ query: 'SELECT path FROM raw_hits WHERE path LIKE {p:String} ORDER BY path', query_params: { p: like }, format: 'JSONEachRow' })).json<{ path: string }>()).then((rows) => rows.map((r) => r.path))

beforeAll(async () => {
  await run('pnpm', ['run', 'build'], { cwd: ROOT })
  mkdirSync(packs)
  for (const p of PACKAGES) await run('pnpm', ['pack', '--pack-destination', packs], { cwd: join(ROOT, 'packages', p) })
  mkdirSync(app)
  await npm(['init', '-y'], app)
  await npm(['install', ...tarballs(), 'express@^5', '@types/node@^20'], app)
}, 300_000)

afterAll(async () => {
  for (const proc of running) if (proc.exitCode === null && proc.signalCode === null) await interrupt(proc)
  rmSync(work, { recursive: true, force: true })
})

describe('the packed packages', () => {
  it('are ESM with types and source maps, under one scope, with their engines, licence and repository', async () => {
    for (const tgz of tarballs()) {
      const manifest = await manifestOf(tgz)
      const files = await listOf(tgz)
      expect(manifest.name).toMatch(/^(@quiet-analytics\/[a-z]+|quiet-analytics)$/)
      expect(manifest).toMatchObject({ type: 'module', license: 'AGPL-3.0-only', engines: { node: '>=20.12' }, repository: { type: 'git' } })
      expect(JSON.stringify(manifest.dependencies)).not.toContain('workspace:')
      expect(files).toContain('package/LICENSE')
      expect(files.filter((f) => /\.test\.ts$|tsbuildinfo$/.test(f))).toEqual([])
      const main = (manifest.exports as Record<string, { types: string; import: string } | undefined>)['.']
      if (manifest.name === 'quiet-analytics') {
        expect(manifest.bin).toEqual({ 'quiet-analytics': './dist/main.js' })
        expect(files).toContain('package/dist/main.js')
        continue
      }
      expect(main).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' })
      for (const f of ['dist/index.js', 'dist/index.js.map', 'dist/index.d.ts', 'dist/index.d.ts.map', 'src/index.ts']) expect(files).toContain(`package/${f}`)
    }
  })

  it("never reach into another package's files", async () => {
    const { stdout } = await run('grep', ['-rhoE', "from '[^.'][^']*'", ...PACKAGES.map((p) => join(ROOT, 'packages', p, 'dist'))], { maxBuffer: 1 << 24 })
    const quietImports = [...new Set(stdout.split('\n').filter((l) => l.includes('quiet-analytics')))]
    expect(quietImports.length).toBeGreaterThan(0)
    expect(quietImports.filter((l) => !/^from '@quiet-analytics\/[a-z]+'$/.test(l))).toEqual([])
  })

  it('install the collector without the embedded engine', async () => {
    const light = join(work, 'light')
    mkdirSync(light)
    await npm(['init', '-y'], light)
    await npm(['install', tarball('@quiet-analytics/core'), tarball('@quiet-analytics/store'), tarball('@quiet-analytics/collector')], light)
    const installed = readdirSync(join(light, 'node_modules'))
    expect(installed).not.toContain('chdb')
    expect(installed).not.toContain('ffi-rs')
    expect(installed).not.toContain('esbuild')
    expect(existsSync(join(light, 'node_modules/@chdb'))).toBe(false)
    // The README's install sizes; the bound catches an engine (hundreds of MB) creeping back in.
    const collectorBytes = bytesUnder(join(light, 'node_modules'))
    const cliBytes = bytesUnder(join(app, 'node_modules'))
    console.info(`install size: collector ${(collectorBytes / 1e6).toFixed(1)} MB, whole CLI ${(cliBytes / 1e6).toFixed(1)} MB`)
    expect(collectorBytes).toBeLessThan(60e6)
  })

  it('type-check a TypeScript consumer of the public API (tsc --noEmit against the packed types)', async () => {
    copyFileSync(EXAMPLE_CONSUMER, join(app, 'consumer.mts'))
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] }, files: ['consumer.mts'] }))
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
    await expect(run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app })).resolves.toBeDefined()
    // A consumer that misuses the API fails: the types really come from the packages.
    writeFileSync(join(app, 'misuse.mts'), "import { pixelUrl } from '@quiet-analytics/collector'\nexport const n: number = pixelUrl({ collector: '', domain: '', url: '' })\n")
    writeFileSync(join(app, 'tsconfig.misuse.json'), JSON.stringify({ extends: './tsconfig.json', files: ['misuse.mts'] }))
    await expect(run(process.execPath, [tsc, '-p', 'tsconfig.misuse.json'], { cwd: app })).rejects.toMatchObject({ stdout: expect.stringContaining("Type 'string' is not assignable to type 'number'") })
  })

  it('mount the collector in a plain Express 5 app against `npx quiet-analytics store`, and store what it accepts', async () => {
    const help = await run('npx', ['--no-install', 'quiet-analytics', '--help'], { cwd: app })
    expect(help.stdout).toMatch(/^usage: quiet-analytics <command>/)
    expect(help.stdout).toContain('  store ')
    const dataDir = join(work, 'app-data')
    const store = launch('npx', ['--no-install', 'quiet-analytics', 'store'], app, { DATA_DIR: dataDir, STORE_PORT: '0', LOG_LEVEL: 'warn' })
    await whenPrinted(store, /listening on http/, 'npx quiet-analytics store', 60_000)

    copyFileSync(EXAMPLE_APP, join(app, 'app.mjs'))
    const server = launch(process.execPath, ['app.mjs'], app, { DATA_DIR: dataDir, SITES: 'example.com', PORT: '0', LOG_LEVEL: 'warn' })
    const url = (await whenPrinted(server, /listening on (http:\/\/\S+)/, 'node app.mjs', 60_000))[1]!

    expect((await fetch(`${url}/script.js`)).status).toBe(200)
    expect(await sendPageview(url, 'example.com', '/packed/express')).toBe(202)
    expect(await sendPageview(url, 'other.example', '/packed/unknown-site')).toBeGreaterThanOrEqual(400)
    await expect.poll(() => storedPaths(dataDir, '/packed/%'), { timeout: 20_000 }).toEqual(['/packed/express'])

    expect(await stopProcess(server)).toBe(0)
    await stopsEverything(store)
    // As long as its waits may take on a loaded machine: two starts, the row, the stops.
  }, 180_000)

  it('run the whole product with `npx quiet-analytics start` in an empty directory', async () => {
    const empty = join(work, 'empty')
    mkdirSync(empty)
    const [collectorPort, demoPort, dashboardPort] = [await freePort(), await freePort(), await freePort()]
    const start = launch('npx', ['--prefix', app, '--no-install', 'quiet-analytics', 'start'], empty, {
      STORE_PORT: '0',
      COLLECTOR_PORT: String(collectorPort),
      DEMO_PORT: String(demoPort),
      DASHBOARD_PORT: String(dashboardPort),
      LOG_LEVEL: 'warn',
    })
    await whenPrinted(start, /first login\s+admin \/ \S+/, 'npx quiet-analytics start', 60_000)
    expect(existsSync(join(empty, 'data'))).toBe(true)

    const dashboard = await fetch(`http://127.0.0.1:${dashboardPort}/`)
    expect(dashboard.status).toBe(200)
    // The page's scripts and styles (the UI's own and uPlot's) come from the installed packages.
    const assets = [...(await dashboard.text()).matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!)
    expect(assets).toEqual(expect.arrayContaining(['/app.js', '/app.css', '/uplot.js', '/uplot.css']))
    for (const asset of assets) expect((await fetch(`http://127.0.0.1:${dashboardPort}${asset}`)).status, asset).toBe(200)
    expect((await fetch(`http://127.0.0.1:${demoPort}/`)).status).toBe(200)
    expect(await sendPageview(`http://127.0.0.1:${collectorPort}`, 'demo.localhost', '/packed/start')).toBe(202)
    await expect.poll(() => storedPaths(join(empty, 'data'), '/packed/%'), { timeout: 20_000 }).toEqual(['/packed/start'])

    await stopsEverything(start)
    // As long as its waits may take on a loaded machine: the start, the row, the stop.
  }, 120_000)
})

describe('the README', () => {
  it('shows the library examples exactly as this test runs them', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(readme).toContain(`\`\`\`js\n${readFileSync(EXAMPLE_APP, 'utf8')}\`\`\``)
    expect(readme).toContain(`\`\`\`ts\n${readFileSync(EXAMPLE_CONSUMER, 'utf8')}\`\`\``)
  })
})
