/** A process that starts a store and then does nothing: tests kill it to see the engine follow. */
import { startStoreProcess } from '@quiet-analytics/store'

const store = await startStoreProcess({ dataDir: process.argv[2]!, database: 'analytics', httpPort: 0, dashboardUser: 'qa_dashboard' })
process.stdout.write(`engine ${store.enginePid} ${store.url}\n`)
setInterval(() => {}, 60_000)
