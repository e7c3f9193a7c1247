/**
 * The bundled engine's own process: `node engine-host.mjs SPEC_FILE`. Plain JavaScript,
 * so it starts the same from the sources, the tests and an installed package.
 *
 * libchdb is clickhouse-local, which serves ClickHouse's HTTP interface while its
 * startup query runs. That query is called synchronously on this main thread (the
 * engine checks that it runs on a thread's own stack) and blocks until KILL QUERY ends
 * it. The parent holds this process's stdin: when it writes "stop" or goes away (EOF), a
 * watcher thread kills the serving query, the engine shuts down, and the process exits.
 */
import { readFileSync } from 'node:fs'
import { setPriority } from 'node:os'
import { Worker } from 'node:worker_threads'

const SERVE_QUERY_ID = 'qa-store-serve'

// Salts and raw parts are the engine's files: readable by this user only.
process.umask(0o077)

// Runs beside the main thread, which is inside the engine until the stop.
const WATCHER = `
const { workerData } = require('node:worker_threads')
const { read, readdirSync, readFileSync } = require('node:fs')
const { getPriority, setPriority } = require('node:os')
const { httpPort, stopUser, stopPasswordFile, queryId, nice } = workerData
// Threads the engine starts inherit the main thread's priority, but a few start elsewhere.
function lowerThreads() {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (getPriority(Number(tid)) < nice) setPriority(Number(tid), nice)
    } catch {}
  }
}
if (process.platform === 'linux') setInterval(lowerThreads, 2000).unref()
// Read now: the stop may come when the data directory is gone.
const auth = Buffer.from(stopUser + ':' + readFileSync(stopPasswordFile, 'utf8').trim()).toString('base64')
let stopping = false
function stop() {
  if (stopping) return
  stopping = true
  const attempt = () =>
    fetch('http://127.0.0.1:' + httpPort + '/', { method: 'POST', headers: { authorization: 'Basic ' + auth }, body: "KILL QUERY WHERE query_id = '" + queryId + "' SYNC" })
      .then((r) => r.text(), () => undefined)
      .finally(() => setTimeout(attempt, 500))
  attempt()
  // An engine that cannot be stopped cleanly must not outlive its parent.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 30_000)
}
const buf = Buffer.alloc(64)
function next() {
  read(0, buf, 0, buf.length, null, (err, n) => {
    if (err || n === 0 || buf.subarray(0, n).toString().includes('stop')) return stop()
    next()
  })
}
next()
`

/** @type {{ libPath: string, args: string[], httpPort: number, tcp: boolean, nice: number, stopUser: string, stopPasswordFile: string }} */
const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'))
// Before the engine starts its threads, which inherit it: see ENGINE_NICE.
setPriority(spec.nice)
const { open, load, DataType, isNullPointer, restorePointer, wrapPointer } = await import('ffi-rs')
new Worker(WATCHER, { eval: true, workerData: { ...spec, queryId: SERVE_QUERY_ID } }).unref()
open({ library: 'chdb', path: spec.libPath })
const serve = `SYSTEM START LISTEN HTTP;${spec.tcp ? ' SYSTEM START LISTEN TCP;' : ''} SELECT sleepEachRow(1) FROM system.numbers FORMAT Null SETTINGS function_sleep_max_microseconds_per_block = 0`
const argv = ['clickhouse', ...spec.args, `--query_id=${SERVE_QUERY_ID}`, '--query', serve]
const call = (funcName, retType, paramsType, paramsValue) => load({ library: 'chdb', funcName, retType, paramsType, paramsValue })
const result = call('chdb_query_cmdline', DataType.External, [DataType.I32, DataType.StringArray], [argv.length, argv])
const error = isNullPointer(result) ? undefined : call('chdb_result_error', DataType.External, [DataType.External], [result])
const message = error && !isNullPointer(error) ? String(restorePointer({ retType: [DataType.String], paramsValue: wrapPointer([error]) })[0]) : ''
if (message && !message.includes('QUERY_WAS_CANCELLED')) {
  process.stderr.write(`${message.trim().split('\n')[0]}\n`)
  process.exit(1)
}
process.exit(0)
