/**
 * Holds replies until the end of the event loop's poll phase and writes them together.
 * A client that sleeps between responses (a proxy, a load balancer, a load generator on
 * another core) is then woken once per burst instead of once per reply: on loopback the
 * kernel runs that wake-up inside our writev, and on a virtual machine it costs more than
 * the rest of the write (bench/results/NOTES.md, Round 12). Under no load a burst is one
 * reply, written a few microseconds later.
 */
export function replyBurst(onError: (err: unknown) => void, schedule: (flush: () => void) => void = setImmediate): (write: () => void) => void {
  let pending: (() => void)[] = []
  const flush = () => {
    const writes = pending
    pending = []
    for (const write of writes) {
      // One reply that cannot be written (its socket gone) must not hold back the others.
      try {
        write()
      } catch (err) {
        onError(err)
      }
    }
  }
  return (write) => {
    if (pending.push(write) === 1) schedule(flush)
  }
}
