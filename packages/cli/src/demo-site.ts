import { createServer, type Server } from 'node:http'
import { SiteSchema, type Config, type SiteInput } from '@quiet-analytics/core'

export const DEMO_DOMAIN = 'demo.localhost'

/**
 * The site `pnpm start` adds when none is configured, allowed from the demo page's
 * origin. One person clicking around is the demo's whole audience, so it shows every
 * breakdown row (minimum group size 1) instead of folding them all into "(other)".
 */
export function demoSite(demoPort: number): SiteInput {
  return {
    id: 'demo',
    domains: [DEMO_DOMAIN],
    timezone: 'UTC',
    allowedOrigins: [`http://127.0.0.1:${demoPort}`, `http://localhost:${demoPort}`],
    minGroupSize: 1,
    goals: [
      { name: 'Signup', event: 'Signup' },
      { name: 'Visit /pricing', page: '/pricing' },
    ],
  }
}

/**
 * The configuration as `pnpm start` runs it: with no site configured, the demo site.
 * Every command reads the store through it, so `qa audit` or `qa rollup` beside a
 * running demo sees the demo site with its own settings.
 */
export function withDemoSite(config: Config): Config {
  return config.sites.length > 0 ? config : { ...config, sites: [SiteSchema.parse(demoSite(config.demo.port))] }
}

export function demoPage(collectorUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Quiet Analytics demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script defer data-domain="${DEMO_DOMAIN}" data-outbound data-downloads src="${collectorUrl}/script.js"></script>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}button{margin:.25rem}</style>
</head>
<body>
<h1 id="title">Demo page</h1>
<p>This page loads the tracker from the collector. Every click below is an event.</p>
<nav>
  <button id="nav-pricing" onclick="history.pushState({}, '', '/pricing');document.getElementById('title').textContent='Pricing'">Go to /pricing (SPA)</button>
  <button id="nav-docs" onclick="history.pushState({}, '', '/docs?utm_source=demo');document.getElementById('title').textContent='Docs'">Go to /docs (SPA)</button>
  <button id="signup" onclick="qa('Signup', { props: { plan: 'pro' } })">Sign up (custom event)</button>
</nav>
<p><a id="outbound" href="https://example.org/">An outbound link</a> · <a id="download" href="/files/report.pdf">A download</a></p>
</body>
</html>`
}

/** Serves the demo page on every path, so SPA paths survive a reload. */
export function startDemoServer(port: number, collectorUrl: string): Promise<Server> {
  const html = demoPage(collectorUrl)
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(html)
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}
