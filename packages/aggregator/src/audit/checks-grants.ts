import { dashboardGrants } from '@quiet-analytics/core'
import { query, type Check } from './audit-types.ts'

/**
 * The dashboard connects as its own database user in every deployment: every grant of
 * that user must be SELECT on a dashboard table, or a grant on its account tables, as the store itself reports them.
 */
export const grantsCheck: Check = {
  id: 'dashboard_grants',
  title: 'dashboard user may only SELECT aggregates and logs, keep its accounts and funnel definitions, and list parts (its cache version)',
  async run({ client, store, config }) {
    const user = config.server.dashboardUser
    let grants: { g: string }[]
    try {
      grants = await query<{ g: string }>(client, `SELECT concat(access_type, ' ', ifNull(database, '*'), '.', ifNull(table, '*')) AS g FROM system.grants WHERE user_name = {user:String}`, { user })
    } catch (err) {
      return { status: 'fail', detail: `cannot read grants of ${user}: ${(err as Error).message.slice(0, 120)}` }
    }
    if (grants.length === 0) return { status: 'fail', detail: `user ${user} has no grants or does not exist: run the setup DDL (qa ddl dashboard-user)` }
    const allowed = new Set(dashboardGrants(store.database))
    const extra = grants.map((r) => r.g).filter((g) => !allowed.has(g))
    return extra.length === 0 ? { status: 'pass', detail: `${user}: ${grants.length} grants, all on aggregates, logs, accounts, funnel definitions and the list of parts` } : { status: 'fail', detail: `${user} has grants beyond aggregates, logs, accounts, funnel definitions and the list of parts: ${extra.join(', ')}` }
  },
}
