import { parseArgs } from 'node:util'
import type { Config } from '@qa/core'
import { AuthStore, authFile, RoleSchema } from '@qa/dashboard'

/** qa user add NAME [--role admin|viewer] */
export async function userCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { role: { type: 'string', default: 'viewer' } }, allowPositionals: true })
  const [verb, name] = positionals
  const role = RoleSchema.safeParse(values.role)
  if (verb !== 'add' || !name || !/^[a-z0-9._-]{1,64}$/.test(name) || !role.success) {
    process.stderr.write('usage: qa user add NAME [--role admin|viewer]  (NAME: a-z, 0-9, ".", "_", "-")\n')
    return 2
  }
  const password = await new AuthStore(authFile(config)).addUser(name, role.data)
  process.stdout.write(`${name} (${role.data}): one-time password ${password} (to be replaced at first login)\n`)
  return 0
}
