import { parseArgs } from 'node:util'
import type { Config } from '@quiet-analytics/core'
import { accountsFor, adoptLegacyAccounts, RoleSchema, UsernameSchema, type Role } from '@quiet-analytics/dashboard'
import { createLogger } from '@quiet-analytics/core'
import { withStore } from '../store-access.ts'
import { PROGRAM } from '../usage.ts'

const USAGE = `usage: ${PROGRAM} user add NAME [--role admin|viewer] | reset NAME [--role admin|viewer] | remove NAME | list  (NAME: a-z, 0-9, ".", "_", "-")\n`

const fail = (message: string, code = 1) => {
  process.stderr.write(`${message}\n`)
  return code
}

/**
 * qa user add|reset|remove|list: on the store, so it takes effect at once in a running
 * dashboard: a reset or removal ends the user's sessions there.
 */
export async function userCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { role: { type: 'string' } }, allowPositionals: true })
  const [verb, name, ...extra] = positionals
  const role = values.role === undefined ? undefined : RoleSchema.safeParse(values.role)
  const needsName = verb === 'add' || verb === 'reset' || verb === 'remove'
  if (!['add', 'reset', 'remove', 'list'].includes(verb ?? '') || extra.length > 0 || (needsName && !UsernameSchema.safeParse(name).success) || (!needsName && name) || (role && !role.success) || (role && verb !== 'add' && verb !== 'reset')) {
    return fail(USAGE.trimEnd(), 2)
  }
  return withStore(config, async (store) => {
    const auth = accountsFor(config, store)
    await adoptLegacyAccounts(config, auth, createLogger(config.logLevel))
    const { accounts } = auth
    if (verb === 'list') {
      for (const u of await accounts.users()) process.stdout.write(`${u.username}\t${u.role}${u.mustChangePassword ? '\t(one-time password not yet changed)' : ''}\n`)
      return 0
    }
    const user = name!
    const current = await accounts.user(user)
    if (verb === 'remove') {
      if (!current) return fail(`no user ${user}`)
      if (await accounts.isLastAdmin(user)) return fail(`${user} is the last admin: make another admin first`)
      await accounts.removeUser(user)
      process.stdout.write(`${user} removed: their sessions ended and their API keys no longer work\n`)
      return 0
    }
    if (verb === 'add' && current) return fail(`${user} exists: ${PROGRAM} user reset ${user} gives a new one-time password`)
    if (verb === 'reset' && !current) return fail(`no user ${user}: ${PROGRAM} user add ${user} creates one`)
    const next: Role = role?.success ? role.data : (current?.role ?? 'viewer')
    if (next !== 'admin' && (await accounts.isLastAdmin(user))) return fail(`${user} is the last admin and keeps the admin role`)
    const password = await accounts.setUser(user, next)
    process.stdout.write(`${user} (${next}): one-time password ${password} (to be replaced at first login)${current ? '; their sessions ended' : ''}\n`)
    return 0
  })
}
