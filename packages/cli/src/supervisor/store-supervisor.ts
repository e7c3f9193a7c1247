import type { Logger } from '@quiet-analytics/core'
import type { StoreProcess } from '@quiet-analytics/store'

export interface SupervisedStore {
  readonly current: StoreProcess
  stop(): Promise<void>
}

/**
 * The bundled store process, started again on the same port if it dies (its clients
 * reconnect; the collectors spool meanwhile). Stopping ends it cleanly.
 */
export async function superviseStore(start: (port?: number) => Promise<StoreProcess>, logger: Logger): Promise<SupervisedStore> {
  let current = await start()
  let stopping = false
  const watch = (p: StoreProcess): void => {
    void p.exited.then(async (code) => {
      if (stopping) return
      logger.error({ code }, 'store process exited: restarting')
      for (let delay = 500; !stopping; delay = Math.min(delay * 2, 30_000)) {
        try {
          current = await start(p.httpPort)
          logger.warn({ url: current.url }, 'store process restarted')
          watch(current)
          return
        } catch (err) {
          logger.error({ err: { message: (err as Error).message } }, 'store process restart failed')
          await new Promise((r) => setTimeout(r, delay))
        }
      }
    })
  }
  watch(current)
  return {
    get current() {
      return current
    },
    stop: async () => {
      stopping = true
      await current.stop()
    },
  }
}
