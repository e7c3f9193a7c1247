import { chromium, type Browser } from 'playwright-core'

/**
 * Debian's Chromium, headless, with background networking off (the sandbox has no
 * internet). `hosts` maps made-up host names to loopback, so pages get real domains.
 */
export function launchChromium(opts: { hosts?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(opts.hosts ? [`--host-resolver-rules=${opts.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(',')}`] : [])],
  })
}
