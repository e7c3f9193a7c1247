import type { ClickHouseClient } from '@clickhouse/client'
import { Accounts, type SessionLifetimes } from './accounts.ts'
import { ApiKeys } from './api-keys.ts'
import { ShareLinks } from './share-links.ts'

/** Accounts with their sessions, API keys and share links, on one store connection. */
export interface AccountStores {
  accounts: Accounts
  keys: ApiKeys
  links: ShareLinks
}

export function accountStores(client: ClickHouseClient, now: () => number, lifetimes?: SessionLifetimes): AccountStores {
  const accounts = new Accounts(client, now, lifetimes)
  return { accounts, keys: new ApiKeys(accounts), links: new ShareLinks(accounts) }
}
