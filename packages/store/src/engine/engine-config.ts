import { createHash } from 'node:crypto'
import { dashboardGrants } from '@quiet-analytics/core'

/**
 * Limits on every query of the dashboard's database user, enforced by the engine (and
 * fixed: the user cannot raise them). A request the stats API lets through still cannot
 * hold a core, the memory or the network for long.
 */
export const DASHBOARD_QUERY_LIMITS = {
  max_execution_time: 10,
  max_result_rows: 200_000,
  max_result_bytes: 64 * 1024 * 1024,
  max_memory_usage: 1024 * 1024 * 1024,
} as const

export interface EngineUser {
  name: string
  password: string
}

export interface ClusterNode {
  host: string
  tcpPort: number
}

export interface EngineConfigInput {
  database: string
  writer: EngineUser
  dashboard: EngineUser
  httpPort: number
  /** Native protocol port, for Distributed tables that reach this node from another. */
  tcpPort?: number
  /** One shard per node, for Distributed tables over several local store processes. */
  cluster?: { name: string; nodes: ClusterNode[] }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const element = (name: string, body: string | number) => `<${name}>${body}</${name}>`
const limits = () => Object.entries(DASHBOARD_QUERY_LIMITS).map(([k, v]) => element(k, v)).join('')
const maxima = () => Object.entries(DASHBOARD_QUERY_LIMITS).map(([k, v]) => element(k, element('max', v))).join('')
const grants = (queries: string[]) => element('grants', queries.map((q) => element('query', q)).join(''))

/** config.xml of the engine: loopback only, users from the generated users.xml. */
export function engineConfigXml(input: EngineConfigInput): string {
  const cluster = input.cluster
    ? element(
        'remote_servers',
        element(
          input.cluster.name,
          input.cluster.nodes
            .map((n) => element('shard', element('replica', [element('host', n.host), element('port', n.tcpPort), element('user', input.writer.name), element('password', input.writer.password)].join(''))))
            .join(''),
        ),
      )
    : ''
  return [
    '<clickhouse>',
    `  ${element('listen_host', '127.0.0.1')}`,
    `  ${element('http_port', input.httpPort)}`,
    input.tcpPort ? `  ${element('tcp_port', input.tcpPort)}` : '',
    `  ${element('user_directories', element('users_xml', element('path', 'users.xml')))}`,
    cluster ? `  ${cluster}` : '',
    '</clickhouse>',
    '',
  ]
    .filter(Boolean)
    .join('\n')
}

/**
 * users.xml of the engine. `default` is the engine's own identity: clickhouse-local runs
 * its startup query as `default` without a password, so it may only start the listeners
 * and read system.numbers (the query that keeps the engine serving). The writer owns the
 * store; the dashboard may SELECT the aggregate and log tables and keep its accounts,
 * within fixed limits (its grants, not `readonly`, keep it from writing anything else).
 */
export function engineUsersXml(input: EngineConfigInput): string {
  const { database, writer, dashboard } = input
  const user = (name: string, body: string) => element(name, body)
  const withPassword = (u: EngineUser, profile: string, grantQueries: string[]) =>
    user(u.name, [element('password_sha256_hex', sha256(u.password)), element('networks', element('ip', '127.0.0.1') + element('ip', '::1')), element('profile', profile), element('quota', 'default'), grants(grantQueries)].join(''))
  return [
    '<clickhouse>',
    `  ${element('profiles', [element('default', ''), element('qa_dashboard', `${limits()}${element('result_overflow_mode', 'throw')}${element('constraints', maxima())}`)].join(''))}`,
    `  ${element('quotas', element('default', ''))}`,
    '  <users>',
    `    ${user('default', [element('no_password', ''), element('networks', element('ip', '::1')), element('profile', 'default'), element('quota', 'default'), grants(['GRANT SYSTEM LISTEN ON *.*', 'GRANT SELECT ON system.numbers'])].join(''))}`,
    `    ${withPassword(writer, 'default', ['GRANT ALL ON *.*'])}`,
    `    ${withPassword(dashboard, 'qa_dashboard', dashboardGrants(database).map((g) => `GRANT ${g.replace(' ', ' ON ')}`))}`,
    '  </users>',
    '</clickhouse>',
    '',
  ].join('\n')
}
