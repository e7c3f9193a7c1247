// The tracker: pageviews (with SPA navigation), custom events, engagement time on page
// hide, opt-in outbound-link and file-download clicks, and an opt-out switch.
// No cookies, no storage identifiers: the collector derives a daily salted hash.
(function () {
  var script = document.currentScript
  var attr = function (name) {
    return script && script.getAttribute(name)
  }
  var api = attr('data-api') || new URL(script.src).origin + '/api/event'
  var domain = attr('data-domain') || location.hostname
  var hashMode = attr('data-hash') !== null
  var outbound = attr('data-outbound') !== null
  var downloads = attr('data-downloads') !== null
  var fileTypes = /\.(pdf|zip|gz|dmg|exe|msi|pkg|deb|rpm|csv|xlsx?|docx?|pptx?|mp3|mp4|mov|epub|txt)$/i
  var lastUrl
  var shownAt = 0
  var visibleMs = 0
  var maxScroll = 0

  function optedOut() {
    try {
      return localStorage.getItem('qa_ignore') === 'true'
    } catch {
      return false
    }
  }

  function send(name, extra, beacon) {
    if (optedOut()) return
    var body = { n: name, u: location.href, d: domain, r: document.referrer || null, w: window.innerWidth }
    if (hashMode) body.h = 1
    for (var k in extra) body[k] = extra[k]
    var json = JSON.stringify(body)
    // text/plain keeps the request simple: no CORS preflight.
    if (beacon && navigator.sendBeacon) navigator.sendBeacon(api, new Blob([json], { type: 'text/plain' }))
    else fetch(api, { method: 'POST', body: json, keepalive: true, headers: { 'Content-Type': 'text/plain' } }).catch(function () {})
  }

  function scrollDepth() {
    var el = document.documentElement
    var height = Math.max(el.scrollHeight, 1)
    return Math.min(100, Math.round(((window.scrollY + window.innerHeight) / height) * 100))
  }

  function flushEngagement() {
    if (shownAt) visibleMs += Date.now() - shownAt
    shownAt = document.visibilityState === 'visible' ? Date.now() : 0
    if (visibleMs > 0 && lastUrl) send('engagement', { e: visibleMs, sd: maxScroll }, true)
    visibleMs = 0
  }

  function pageview() {
    var url = hashMode ? location.href : location.href.split('#')[0]
    if (url === lastUrl) return
    if (lastUrl) flushEngagement()
    lastUrl = url
    maxScroll = scrollDepth()
    shownAt = document.visibilityState === 'visible' ? Date.now() : 0
    send('pageview', {})
  }

  function track(name, options) {
    send(name, options && options.props ? { p: options.props } : {})
  }
  track.optOut = function (on) {
    try {
      if (on === false) localStorage.removeItem('qa_ignore')
      else localStorage.setItem('qa_ignore', 'true')
    } catch {
      // Storage blocked: nothing to remember, nothing stored.
    }
  }

  var queued = (window.qa && window.qa.q) || []
  window.qa = window.plausible = track
  for (var i = 0; i < queued.length; i++) track.apply(null, queued[i])

  var push = history.pushState
  history.pushState = function () {
    push.apply(this, arguments)
    pageview()
  }
  window.addEventListener('popstate', pageview)
  if (hashMode) window.addEventListener('hashchange', pageview)
  window.addEventListener('scroll', function () {
    maxScroll = Math.max(maxScroll, scrollDepth())
  }, { passive: true })
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') flushEngagement()
    else shownAt = Date.now()
  })

  if (outbound || downloads) {
    document.addEventListener('click', function (ev) {
      var a = ev.target && ev.target.closest && ev.target.closest('a[href]')
      if (!a) return
      var href = a.href
      if (downloads && fileTypes.test(a.pathname)) track('File Download', { props: { url: href } })
      else if (outbound && a.host && a.host !== location.host) track('Outbound Link: Click', { props: { url: href } })
    })
  }

  pageview()
})()
