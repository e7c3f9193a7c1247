/** How many accounts' worth of failures one network may spend before it is blocked for all of them. */
export const SPRAY_FACTOR = 3

export interface LoginAttempt {
  /** The password was right: this account's failures from this network are forgiven. */
  succeeded(): void
  /** The password was wrong: the attempt stays counted. */
  failed(): void
}

/**
 * Failed logins, counted per account and client network, and per network. An account
 * is blocked from a network after `max` failures there within the window; a network is
 * blocked for every account after SPRAY_FACTOR × `max` failures (guessing across many
 * accounts). So one attacker guessing one password locks out only that account, from
 * that network, while the other people sharing the network still log in.
 *
 * An attempt is counted when it starts, before the password is checked: parallel
 * guesses cannot all slip in. A successful login forgives only its own account's
 * failures from that network, so logging in to another account resets nothing.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Starts an attempt, or refuses it (undefined) while the account or the network is blocked. */
  begin(username: string, network: string): LoginAttempt | undefined {
    const pair = `${network}\u0000${username}`
    if (this.recent(pair).length >= this.max || this.recent(network).length >= this.max * SPRAY_FACTOR) return undefined
    const at = this.now()
    this.add(pair, at)
    this.add(network, at)
    return {
      succeeded: () => {
        this.failures.delete(pair)
        this.remove(network, at)
      },
      failed: () => undefined,
    }
  }

  private recent(key: string): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > this.now() - this.windowMs)
    if (times.length === 0) this.failures.delete(key)
    else this.failures.set(key, times)
    return times
  }

  private add(key: string, at: number): void {
    this.failures.set(key, [...(this.failures.get(key) ?? []), at])
  }

  private remove(key: string, at: number): void {
    const times = this.failures.get(key) ?? []
    const i = times.indexOf(at)
    if (i >= 0) times.splice(i, 1)
  }
}
