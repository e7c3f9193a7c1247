/** The name the user types: `qa` (`pnpm qa`, from the sources) in the repository, `quiet-analytics` once installed from npm (built). */
export const PROGRAM = import.meta.url.endsWith('.ts') ? 'qa' : 'quiet-analytics'

/** One command's help: the line of the overview, and what `qa <command> --help` adds. */
interface CommandHelp {
  usage: string
  summary: string
  details: string
}

/** Every command of `qa`, in the order the overview lists them. */
export const COMMANDS: Record<string, CommandHelp> = {
  start: {
    usage: 'start',
    summary: 'the store, collector, aggregator, dashboard and demo page, supervised',
    details: `Starts the bundled store on DATA_DIR (or uses CLICKHOUSE_URL), applies migrations, then
runs the collector, aggregator and dashboard as child processes, restarted if they die.
It prints the address of each part and the sites it serves. With no site configured
(SITES or CONFIG_FILE) it serves the demo site demo.localhost and its demo page;
configuring sites replaces the demo site. Ctrl-C flushes buffered events, then stops.`,
  },
  store: {
    usage: 'store',
    summary: 'the bundled ClickHouse store on DATA_DIR, serving HTTP on 127.0.0.1:STORE_PORT',
    details: `Runs only the store, for roles started one by one. Refuses to start when a store
already runs on DATA_DIR, and says which.`,
  },
  collector: {
    usage: 'collector',
    summary: 'the collector (COLLECTOR_PROCESSES processes sharing its port)',
    details: 'Serves POST /api/event, POST /api/send (Umami), GET /api/pixel.gif and /script.js on COLLECTOR_PORT.',
  },
  aggregator: {
    usage: 'aggregator',
    summary: "the aggregator's schedule: salts, rollups, purges",
    details: 'Every ROLLUP_INTERVAL_MS: creates and destroys salts, rolls raw hits up, purges raw partitions.',
  },
  dashboard: {
    usage: 'dashboard',
    summary: 'the dashboard (stats API and web UI)',
    details: 'Serves the web UI and /api/stats/* on DASHBOARD_PORT; prints a first admin password when there is no user.',
  },
  user: {
    usage: 'user add|reset|remove|list [NAME] [--role admin|viewer]',
    summary: 'manage dashboard users (works beside a running dashboard); prints passwords once',
    details: `add      create NAME (a-z, 0-9, ".", "_", "-") with a one-time password, replaced at first login
reset    a new one-time password (and --role, if given); ends NAME's sessions
remove   remove NAME: their sessions end and their API keys stop working
list     every user with their role
--role   admin (users, share links, API keys) or viewer (statistics only); default viewer for add, unchanged for reset`,
  },
  migrate: {
    usage: 'migrate [--dry-run]',
    summary: 'apply (or list) pending schema migrations',
    details: '--dry-run   list the pending migrations without applying them',
  },
  rollup: {
    usage: 'rollup [--day D]... [--from D --to D] [--force]',
    summary: 'roll raw hits into aggregates now',
    details: `Rolls up every site-day whose raw hits changed since its last rollup, and closes the
days that have ended (plus CLOSE_AFTER_MINUTES). The aggregator does this on its own
schedule; this command does it now, waiting for a running aggregator's tick to end.
--day D          only this site-local day (YYYY-MM-DD); repeatable
--from D --to D  only the days of this range
--force          recompute open days even when no raw hit arrived since their last
                 rollup (a closed day is never recomputed: its raw hits may be gone)
When there is nothing to do it says why: no raw hits, days already rolled up, or days
closed (hits arriving for those are late: counted at purge, never aggregated).`,
  },
  purge: {
    usage: 'purge [--dry-run]',
    summary: 'drop raw partitions that are rolled up or past the raw TTL',
    details: '--dry-run   list what would be dropped, and how many rows were never rolled up',
  },
  spool: {
    usage: 'spool replay',
    summary: "try the spool's quarantined batches again, straight into the store",
    details: `A collector sets a spooled batch aside (spool/<n>/quarantine/) when the store refuses
its bytes for half a minute (a parse error, a value out of range), or when the file is not a
batch: the batches behind it go on. This tries them again; a batch refused again stays,
with the store's error kind. Exit 1 when one is refused.`,
  },
  salts: {
    usage: 'salts',
    summary: 'create due salts, destroy expired ones, list those alive',
    details: 'Salts are per site and day; one lives until its day ended plus SALT_GRACE_MINUTES.',
  },
  audit: {
    usage: 'audit [--json] [--probe-ip ADDR]...',
    summary: 'check the privacy invariants on the live store (exit 1 on failure)',
    details: `--json            the report as JSON
--probe-ip ADDR   also search every stored value for this address, in every textual form`,
  },
  inventory: {
    usage: 'inventory',
    summary: 'print the data inventory (Markdown) from the configuration',
    details: 'What is kept, where, for how long and why: the text a privacy officer quotes.',
  },
  import: {
    usage: 'import plausible FILE.zip --site ID [--dry-run]',
    summary: 'import historical aggregates from a Plausible CSV export',
    details: `--site ID    the configured site the export belongs to
--dry-run    read and check the export, print what would be imported`,
  },
  ddl: {
    usage: 'ddl cluster | ddl dashboard-user [--apply]',
    summary: "server-mode DDL: ON CLUSTER tables, the dashboard's read-only user",
    details: `cluster           print the ON CLUSTER tables for CLICKHOUSE_CLUSTER
dashboard-user    print (or with --apply, run) the dashboard user's grants`,
  },
}

const EXIT_CODES = 'exit codes: 0 ok, 1 failed (audit violation or error), 2 usage, 78 configuration'

/** The overview `qa --help` prints. */
export function usage(): string {
  const lines = Object.values(COMMANDS).flatMap((c) => (c.usage.length <= 26 ? [`  ${c.usage.padEnd(28)}${c.summary}`] : [`  ${c.usage}`, `${' '.repeat(30)}${c.summary}`]))
  return [`usage: ${PROGRAM} <command> [options]    (${PROGRAM} <command> --help for its options)`, ...lines, EXIT_CODES].join('\n')
}

/** `qa <command> --help`, or undefined for a command that does not exist. */
export function commandHelp(command: string): string | undefined {
  const c = COMMANDS[command]
  return c && `usage: ${PROGRAM} ${c.usage}\n  ${c.summary}\n\n${c.details}\n\n${EXIT_CODES}`
}

export const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h')
