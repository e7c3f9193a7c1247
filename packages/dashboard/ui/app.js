// The dashboard UI: state lives in the URL (site, period, from, to, filter), so every
// view can be bookmarked and shared. Plain DOM, uPlot for the chart.
;(function () {
  'use strict'
  const $ = (id) => document.getElementById(id)
  const shareToken = (location.pathname.match(/^\/share\/([\w-]+)/) || [])[1]
  let csrf = ''
  let loginPassword = ''
  let role = ''
  let chart
  /** Each site's time zone: hourly charts are drawn in it. */
  const zones = new Map()
  // The panels and their tabs come from the server's vocabulary, embedded in the page.
  const PANELS = JSON.parse(document.getElementById('vocabulary').textContent).panels
  const METRICS = [
    ['visitors', 'Unique visitors'], ['visits', 'Visits'], ['pageviews', 'Pageviews'],
    ['views_per_visit', 'Views per visit'], ['bounce_rate', 'Bounce rate'], ['visit_duration', 'Visit duration'],
  ]

  const state = () => Object.fromEntries(new URLSearchParams(location.search))
  function setState(patch) {
    const s = Object.assign(state(), patch)
    for (const k of Object.keys(s)) if (s[k] === undefined || s[k] === '') delete s[k]
    history.pushState(null, '', `${location.pathname}?${new URLSearchParams(s)}`)
    render()
  }
  function query(extra) {
    const s = state()
    const q = new URLSearchParams({ site: s.site, period: s.period || '30d' })
    if (s.period === 'custom') { q.set('from', s.from || ''); q.set('to', s.to || '') }
    if (s.filter) q.set('filter', s.filter)
    if (shareToken) q.set('token', shareToken)
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v)
    return q
  }
  async function api(path, options) {
    const res = await fetch(path, Object.assign({ credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf } }, options))
    const body = await res.json().catch(() => ({}))
    if (!res.ok) throw Object.assign(new Error(body.error || res.statusText), { status: res.status })
    return body
  }
  // Countries travel as ISO codes (API, CSV); people read names, in their own language.
  const regionNames = (() => { try { return new Intl.DisplayNames(navigator.languages, { type: 'region' }) } catch { return undefined } })()
  const countryName = (code) => { try { return (regionNames && regionNames.of(code)) || code } catch { return code } }
  const label = (dim, value) => {
    if (!value) return dim === 'source' ? 'Direct / None' : '(none)'
    return dim === 'country' && /^[A-Z]{2}$/.test(value) ? countryName(value) : value
  }
  const fmt = (m, v) => m === 'bounce_rate' ? `${v}%` : m === 'visit_duration' ? `${Math.floor(v / 60)}m ${Math.round(v % 60)}s` : Number(v).toLocaleString()
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined) e.setAttribute(k, v)
    for (const c of children) e.append(c)
    return e
  }

  async function boot() {
    const theme = localStorage.getItem('qa_theme')
    if (theme === 'dark' || (!theme && matchMedia('(prefers-color-scheme: dark)').matches)) document.documentElement.classList.add('dark')
    $('theme').onclick = () => {
      const dark = document.documentElement.classList.toggle('dark')
      localStorage.setItem('qa_theme', dark ? 'dark' : 'light')
      render()
    }
    $('login').onsubmit = async (e) => {
      e.preventDefault()
      try {
        loginPassword = $('password').value
        const me = await api('/api/login', { method: 'POST', body: JSON.stringify({ username: $('username').value, password: loginPassword }) })
        csrf = me.csrf
        start(me)
      } catch (err) { $('login-error').textContent = err.message }
    }
    $('change-password').onsubmit = async (e) => {
      e.preventDefault()
      try {
        await api('/api/password', { method: 'POST', body: JSON.stringify({ current: loginPassword, next: $('new-password').value }) })
        $('change-password').hidden = true
        start({})
      } catch (err) { $('change-error').textContent = err.message }
    }
    $('logout').onclick = async () => { await api('/api/logout', { method: 'POST' }); location.href = '/' }
    $('clear-filter').onclick = () => setState({ filter: undefined })
    $('site').onchange = () => setState({ site: $('site').value, filter: undefined })
    $('period').onchange = () => setState({ period: $('period').value })
    $('from').onchange = $('to').onchange = () => setState({ period: 'custom', from: $('from').value, to: $('to').value })
    window.onpopstate = render
    try {
      const me = await api(`/api/me${shareToken ? `?token=${shareToken}` : ''}`)
      csrf = me.csrf || ''
      start(me)
    } catch (err) {
      if (shareToken) {
        $('main').replaceChildren(el('p', { class: 'card', role: 'alert' }, err.status === 404 ? 'This share link is unknown or has been revoked.' : err.message))
        return
      }
      $('login').hidden = false
      $('username').focus()
    }
  }

  async function start(me) {
    $('login').hidden = true
    if (me && me.role) role = me.role
    if (me && me.mustChangePassword) {
      // The server refuses everything else until then; after a reload the one-time password is gone from memory: log in again.
      if (!loginPassword) {
        await api('/api/logout', { method: 'POST' })
        $('login').hidden = false
        return
      }
      $('change-password').hidden = false
      $('new-password').focus()
      return
    }
    $('logout').hidden = !!shareToken || (me && me.share)
    $('nav-privacy').hidden = !!shareToken
    const sites = await api(`/api/sites${shareToken ? `?token=${shareToken}` : ''}`)
    for (const s of sites) zones.set(s.id, s.timezone)
    $('site').replaceChildren(...sites.map((s) => el('option', { value: s.id }, s.domains[0])))
    $('site-field').hidden = $('period-field').hidden = false
    if (!state().site && sites[0]) history.replaceState(null, '', `${location.pathname}?${new URLSearchParams(Object.assign(state(), { site: sites[0].id }))}`)
    render()
  }

  function render() {
    const s = state()
    $('site').value = s.site || ''
    $('period').value = s.period || '30d'
    $('custom').hidden = s.period !== 'custom'
    if (location.pathname === '/privacy') return renderPrivacy()
    $('privacy').hidden = true
    $('stats').hidden = false
    $('filter-bar').hidden = !s.filter
    $('filter-label').textContent = (s.filter || '').replace(':', ' = ')
    renderTopline()
    renderChart()
    renderPanels()
    renderFunnels()
    renderDrops()
  }

  async function renderTopline() {
    api(`/api/stats/current?${query()}`).then((c) => { $('current').textContent = c.visitors.toLocaleString() })
    const t = await api(`/api/stats/aggregate?${query({ compare: 'previous' })}`)
    $('summed-note').hidden = !t.visitorsSummedDaily
    $('topline').replaceChildren(...METRICS.map(([m, label]) => {
      const change = t.previous && t.previous.change[m]
      const better = m === 'bounce_rate' ? change < 0 : change > 0
      return el('div', { class: 'metric', 'data-metric': m },
        el('div', { class: 'label' }, label),
        el('div', { class: 'value' }, fmt(m, t.totals[m])),
        el('div', { class: `change ${change === null || change === undefined ? '' : better ? 'up' : 'down'}` },
          change === null || change === undefined ? 'no earlier data' : `${change > 0 ? '+' : ''}${change}% vs previous period`))
    }))
  }

  async function renderChart() {
    const ts = await api(`/api/stats/timeseries?${query()}`)
    // Hours are real instants shown in the site's zone: a DST day has 23 or 25 of them. Days and months are dates.
    const hourly = ts.interval === 'hour'
    const zone = hourly ? (zones.get(state().site) ?? 'UTC') : 'UTC'
    const xs = ts.points.map((p) => (hourly ? p.at : Date.parse(ts.interval === 'month' ? `${p.t}-01T00:00:00Z` : `${p.t}T00:00:00Z`) / 1000))
    const dark = document.documentElement.classList.contains('dark')
    const stroke = dark ? '#8b84ff' : '#4f46e5'
    const axis = { stroke: dark ? '#a0a0ad' : '#60606c', grid: { stroke: dark ? '#2c2c37' : '#e2e2e8' } }
    if (chart) chart.destroy()
    const box = $('chart')
    box.replaceChildren()
    chart = new window.uPlot({
      width: Math.max(300, box.clientWidth || 800), height: 240, tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), zone),
      series: [{}, { label: 'Visitors', stroke, width: 2, fill: dark ? 'rgba(139,132,255,0.15)' : 'rgba(79,70,229,0.1)' }, { label: 'Pageviews', stroke: dark ? '#4ade80' : '#15803d', width: 1 }],
      axes: [axis, axis],
    }, [xs, ts.points.map((p) => p.visitors), ts.points.map((p) => p.pageviews)], box)
  }

  function renderPanels() {
    const panels = PANELS.map((p) => ({ ...p, box: el('div', { class: 'card panel' }) }))
    panels.push({ title: 'Goals & events', tabs: [['goals', 'Goals'], ['events', 'Custom events']], box: el('div', { class: 'card panel' }) })
    $('panels').replaceChildren(...panels.map((p) => p.box))
    for (const p of panels) showTab(p, p.tabs[0][0])
  }

  async function showTab(panel, dim) {
    const tabs = el('span', { class: 'tabs', role: 'tablist' }, ...panel.tabs.map(([d, label]) => {
      const b = el('button', { type: 'button', role: 'tab', 'aria-selected': String(d === dim) }, label)
      b.onclick = () => showTab(panel, d)
      return b
    }))
    const heading = el('h2', {}, panel.title, tabs)
    let table
    if (dim === 'goals' || dim === 'events') {
      const rows = await api(`/api/stats/${dim}?${query({ limit: 10 })}`)
      table = el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', { class: 'num' }, 'Visitors'), el('th', { class: 'num' }, 'Events'))),
        el('tbody', {}, ...rows.map((r) => {
          const tr = el('tr', dim === 'events' ? { class: 'row', tabindex: '0', 'data-event': r.name, title: `Properties of ${r.name}` } : {},
            el('td', {}, r.name), el('td', { class: 'num' }, fmt('visitors', r.visitors)), el('td', { class: 'num' }, fmt('visitors', r.events)))
          if (dim === 'events') {
            tr.onclick = () => showProperties(panel, r.name)
            tr.onkeydown = (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); showProperties(panel, r.name) } }
          }
          return tr
        })))
    } else {
      const rows = await api(`/api/stats/breakdown/${dim}?${query({ limit: 10 })}`)
      const max = Math.max(1, ...rows.map((r) => r.visitors))
      table = el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Value'), el('th', { class: 'num' }, 'Visitors'), el('th', { class: 'num' }, dim === 'page' ? 'Pageviews' : 'Visits'))),
        el('tbody', {}, ...rows.map((r) => {
          const tr = el('tr', { class: 'row', tabindex: '0', 'data-value': r.value, title: `Filter by ${dim} = ${r.value || '(none)'}` },
            el('td', dim === 'country' && r.value ? { title: r.value } : {}, label(dim, r.value)),
            el('td', { class: 'num' }, fmt('visitors', r.visitors)),
            el('td', { class: 'num' }, fmt('visits', dim === 'page' ? r.pageviews : r.visits)))
          tr.style.backgroundImage = `linear-gradient(to right, var(--bar) ${(100 * r.visitors) / max}%, transparent 0)`
          const filter = () => r.value !== '(other)' && setState({ filter: `${dim}:${r.value}` })
          tr.onclick = filter
          tr.onkeydown = (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); filter() } }
          return tr
        })))
      heading.append(el('a', { class: 'csv', href: `/api/stats/breakdown/${dim}.csv?${query({ limit: 1000 })}`, download: '' }, 'CSV'))
    }
    panel.box.replaceChildren(heading, table)
  }

  /** The values of each property a custom event was sent with; folded under k as any breakdown. */
  async function showProperties(panel, event, key) {
    // Events are counted per day, not per filter value: property views are never filtered.
    const unfiltered = (extra) => { const q = query(extra); q.delete('filter'); return q }
    const keys = await api(`/api/stats/properties?${unfiltered({ event, limit: 20 })}`)
    const current = key || (keys[0] && keys[0].key)
    const back = el('button', { type: 'button', class: 'back' }, '← Events')
    back.onclick = () => showTab(panel, 'events')
    const tabs = el('span', { class: 'tabs', role: 'tablist' }, ...keys.map((k) => {
      const b = el('button', { type: 'button', role: 'tab', 'aria-selected': String(k.key === current) }, k.key)
      b.onclick = () => showProperties(panel, event, k.key)
      return b
    }))
    const heading = el('h2', {}, back, `${event}: properties`, tabs)
    if (!current) return panel.box.replaceChildren(heading, el('p', { class: 'note' }, 'This event was sent without properties in this period.'))
    const rows = await api(`/api/stats/breakdown?${unfiltered({ property: `event:props:${current}`, event, limit: 10 })}`)
    const max = Math.max(1, ...rows.map((r) => r.visitors))
    const table = el('table', { 'data-property': current }, el('thead', {}, el('tr', {}, el('th', {}, current), el('th', { class: 'num' }, 'Visitors'), el('th', { class: 'num' }, 'Events'))),
      el('tbody', {}, ...rows.map((r) => {
        const tr = el('tr', { 'data-value': r.value }, el('td', {}, r.value || '(none)'), el('td', { class: 'num' }, fmt('visitors', r.visitors)), el('td', { class: 'num' }, fmt('visitors', r.events)))
        tr.style.backgroundImage = `linear-gradient(to right, var(--bar) ${(100 * r.visitors) / max}%, transparent 0)`
        tr.style.backgroundRepeat = 'no-repeat'
        return tr
      })))
    panel.box.replaceChildren(heading, table)
  }

  const duration = (s) => (s === null ? '' : s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`)
  /** "/pricing", "event:Signup", "event:Signup plan=pro": one step per line, as the form takes them. */
  function parseSteps(text) {
    return text.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
      const ev = /^event:\s*([^=\s][^=]*?)(?:\s+([^\s=]+)=(.+))?$/.exec(line)
      if (!ev) return { page: line }
      return ev[2] ? { event: ev[1], property: { key: ev[2], value: ev[3] } } : { event: ev[1] }
    })
  }

  /** Funnels: step bars with conversion, drop-off and the median time from the step before; admins define them here. */
  async function renderFunnels() {
    const box = $('funnels')
    const funnels = await api(`/api/funnels?${query()}`).catch(() => [])
    const admin = role === 'admin' && !shareToken
    box.hidden = funnels.length === 0 && !admin
    if (box.hidden) return
    const s = state()
    const current = funnels.find((f) => f.name === s.funnel) || funnels[0]
    const tabs = el('span', { class: 'tabs', role: 'tablist' }, ...funnels.map((f) => {
      const b = el('button', { type: 'button', role: 'tab', 'aria-selected': String(f === current) }, f.name)
      b.onclick = () => setState({ funnel: f.name })
      return b
    }))
    const body = el('div', { id: 'funnel-body' })
    box.replaceChildren(el('h2', {}, 'Funnels', tabs), body)
    if (current) {
      try {
        const f = await api(`/api/stats/funnel?${query({ funnel: current.name })}`)
        const hidden = `< ${f.minGroupSize}`
        body.append(
          el('p', { class: 'note' }, `${f.order === 'directly' ? 'Each step the very next page or event of the visit' : 'Each step later in the same visit'}. `,
            f.dataFrom ? `Counted from ${f.dataFrom}.` : 'Counted from the next rollup on.', f.minGroupSize > 1 ? ` Counts under ${f.minGroupSize} visits are not shown.` : ''),
          el('table', { id: 'funnel-table' },
            el('thead', {}, el('tr', {}, el('th', {}, 'Step'), el('th', { class: 'num' }, 'Visits'), el('th', { class: 'num' }, 'Conversion'), el('th', { class: 'num' }, 'Drop-off'), el('th', { class: 'num' }, 'Median time from previous'))),
            el('tbody', {}, ...f.steps.map((st) => {
              const tr = el('tr', { 'data-step': String(st.step) },
                el('td', {}, `${st.step}. ${st.label}`),
                el('td', { class: 'num' }, st.visits === null ? hidden : fmt('visitors', st.visits)),
                el('td', { class: 'num' }, st.conversion === null ? '' : `${st.conversion}%`),
                el('td', { class: 'num' }, st.dropOff === null ? '' : `${st.dropOff}%`),
                el('td', { class: 'num' }, duration(st.medianSeconds)))
              tr.style.backgroundImage = `linear-gradient(to right, var(--bar) ${st.conversion || 0}%, transparent ${st.conversion || 0}%)`
              return tr
            }))))
        if (admin && current.source === 'dashboard') {
          const remove = el('button', { type: 'button', class: 'csv' }, `Remove ${current.name}`)
          remove.onclick = async () => { await api(`/api/funnels/${encodeURIComponent(s.site)}/${encodeURIComponent(current.name)}`, { method: 'DELETE' }); setState({ funnel: undefined }) }
          body.append(remove)
        }
      } catch (err) {
        body.append(el('p', { class: 'note' }, err.message))
      }
    }
    if (admin) {
      const error = el('p', { class: 'error', role: 'alert' })
      const form = el('form', { id: 'funnel-form', class: 'funnel-form' },
        el('label', {}, 'Name ', el('input', { name: 'name', required: '', maxlength: '120' })),
        el('label', {}, 'Order ', el('select', { name: 'order' }, el('option', { value: 'eventually' }, 'eventually followed'), el('option', { value: 'directly' }, 'directly followed'))),
        el('label', {}, 'Steps, one per line: a page (/pricing, /blog/*) or event:Name, event:Name key=value ', el('textarea', { name: 'steps', rows: '4', required: '' })),
        el('button', { type: 'submit' }, 'Save funnel'), error)
      form.onsubmit = async (e) => {
        e.preventDefault()
        const funnel = { name: form.elements.name.value.trim(), order: form.elements.order.value, steps: parseSteps(form.elements.steps.value) }
        try {
          await api('/api/funnels', { method: 'POST', body: JSON.stringify({ site: s.site, funnel }) })
          setState({ funnel: funnel.name })
        } catch (err) {
          error.textContent = err.message
        }
      }
      box.append(el('details', { open: funnels.length === 0 ? '' : undefined }, el('summary', {}, 'New funnel'), form))
    }
  }

  /** What the collector refused (and late hits), per day: an empty dashboard is explained here. Not on share links. */
  async function renderDrops() {
    const box = $('drops')
    box.hidden = true
    if (shareToken) return
    const d = await api(`/api/stats/drops?${query()}`)
    const kinds = [['bot', 'Bots'], ['consent', 'Consent (DNT/GPC)'], ['rate_limited', 'Rate limited'], ['undeclared_event', 'Undeclared events'], ['invalid', 'Invalid'], ['late', 'Late']]
    const total = kinds.reduce((n, [k]) => n + d.totals[k], 0)
    if (total === 0) return
    box.hidden = false
    box.replaceChildren(
      el('h2', {}, 'Not counted'),
      el('p', { class: 'note' }, 'Events the collector refused, per day. Crawlers and headless browsers (an automated test of your site, too) count as bots.'),
      el('table', { id: 'drops-table' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Day'), ...kinds.map(([, l]) => el('th', { class: 'num' }, l)))),
        el('tbody', {},
          ...d.days.slice().reverse().map((day) => el('tr', { 'data-day': day.day }, el('td', {}, day.day), ...kinds.map(([k]) => el('td', { class: 'num', 'data-kind': k }, fmt('visitors', day[k]))))),
          el('tr', { class: 'total' }, el('th', {}, 'Total'), ...kinds.map(([k]) => el('th', { class: 'num', 'data-kind': k }, fmt('visitors', d.totals[k])))))))
  }

  /**
   * The inventory's Markdown (headings, paragraphs, lists, tables, `code`) as DOM nodes:
   * every piece of text goes in as text, never as HTML.
   */
  function markdown(md) {
    const inline = (text) => text.split(/(`[^`]*`)/).filter(Boolean).map((part) => (part.startsWith('`') && part.endsWith('`') ? el('code', {}, part.slice(1, -1)) : document.createTextNode(part)))
    const cells = (line) => line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim())
    const out = []
    const lines = md.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]
      if (!line.trim()) continue
      const heading = /^(#{1,3}) (.*)$/.exec(line)
      if (heading) { out.push(el(`h${heading[1].length + 1}`, {}, ...inline(heading[2]))); continue }
      if (line.startsWith('|')) {
        const block = []
        while (i < lines.length && lines[i].startsWith('|')) block.push(lines[i++])
        i--
        const [head, , ...body] = block
        out.push(el('table', {}, el('thead', {}, el('tr', {}, ...cells(head).map((c) => el('th', {}, ...inline(c))))),
          el('tbody', {}, ...body.map((b) => el('tr', {}, ...cells(b).map((c) => el('td', {}, ...inline(c))))))))
        continue
      }
      if (line.startsWith('- ')) {
        const items = []
        while (i < lines.length && lines[i].startsWith('- ')) items.push(lines[i++].slice(2))
        i--
        out.push(el('ul', {}, ...items.map((t) => el('li', {}, ...inline(t)))))
        continue
      }
      out.push(el('p', {}, ...inline(line)))
    }
    return out
  }

  /** Admins under pnpm start may ask the aggregator for an audit; the page reloads once it is recorded. */
  function auditButton(r) {
    if (!r.auditOnDemand || role !== 'admin') return ''
    const b = el('button', { type: 'button', id: 'run-audit' }, 'Run the audit now')
    b.onclick = async () => {
      b.disabled = true
      b.textContent = 'Audit running…'
      const before = r.auditHistory.length && r.auditHistory[0].at
      await api('/api/privacy/audit', { method: 'POST' })
      for (let i = 0; i < 120; i++) {
        await new Promise((done) => setTimeout(done, 1000))
        const now = await api('/api/privacy')
        if ((now.auditHistory[0] && now.auditHistory[0].at) !== before) return renderPrivacy()
      }
      b.textContent = 'No audit recorded yet: see the aggregator log'
    }
    return b
  }

  async function renderPrivacy() {
    $('stats').hidden = true
    const box = $('privacy')
    box.hidden = false
    const r = await api('/api/privacy')
    const rows = Object.entries(r.retention).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, String(v))))
    box.replaceChildren(
      el('h1', {}, 'Privacy'),
      el('div', { class: 'card' }, el('h2', {}, 'Latest audit', auditButton(r)), el('pre', { id: 'audit-report' }, r.audit ? r.audit.report : 'No audit has run yet: the aggregator runs one after each closing rollup, or run pnpm qa audit.')),
      el('div', { class: 'card' }, el('h2', {}, 'Audit history'),
        r.auditHistory.length === 0 ? el('p', { class: 'note' }, 'none yet') : el('table', { id: 'audit-history' },
          el('thead', {}, el('tr', {}, el('th', {}, 'When (UTC)'), el('th', {}, 'Result'), el('th', {}, 'Failed checks'))),
          el('tbody', {}, ...r.auditHistory.map((a) => el('tr', {}, el('td', {}, a.at), el('td', { class: a.passed ? 'pass' : 'fail' }, a.passed ? 'PASS' : 'FAIL'), el('td', {}, a.failed.join(', ') || '-')))))),
      el('div', { class: 'card' }, el('h2', {}, 'Retention settings'), el('table', {}, el('tbody', {}, ...rows))),
      el('div', { class: 'card' }, el('h2', {}, 'Lifecycle'),
        el('p', {}, `Last rollup: ${r.lastRollup ? `${r.lastRollup.at} UTC (${r.lastRollup.site}, ${r.lastRollup.day})` : 'never'}`),
        el('p', {}, `Last purge: ${r.lastPurge ? `${r.lastPurge.at} UTC, ${r.lastPurge.partitions} partitions, ${r.lastPurge.rows} rows (${r.lastPurge.neverRolledRows} never rolled up)` : 'never'}`),
        el('p', {}, `Salt events: ${r.salts.map((s) => `${s.action} ${s.site} ${s.day}${s.actor === 'collector' ? ' (by a collector: no aggregator had made it)' : ''}`).join('; ') || 'none'}`)),
      el('div', { class: 'card', id: 'inventory' }, ...markdown(r.inventory)),
    )
  }

  boot()
})()
