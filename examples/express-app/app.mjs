import express from 'express'
import { createLogger, loadConfig } from '@quiet-analytics/core'
import { connectStore, migrate } from '@quiet-analytics/store'
import { collectorRouter, createCollector } from '@quiet-analytics/collector'

const config = loadConfig()                       // env (SITES, DATA_DIR...) + optional CONFIG_FILE
const store = await connectStore(config)          // the store on DATA_DIR (`npx quiet-analytics store`), or CLICKHOUSE_URL
await migrate(store.client)
const collector = createCollector({ config, store, logger: createLogger('info') })

const app = express()
app.use(collectorRouter(collector))               // POST /api/event, POST /api/send, GET /api/pixel.gif, GET /script.js
app.get('/', (req, res) => res.send('<script defer data-domain="example.com" src="/script.js"></script>'))

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`)
})
process.on('SIGTERM', () => {
  server.close()
  collector.close().then(() => store.close())     // flushes buffered events first
})
