import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '@quiet-analytics/core'
import { parseEventBody, validateEvent, type ParseResult } from '../pipeline/parse-body.ts'
import { parseUmamiBody, UMAMI_PATH } from '../pipeline/umami.ts'
import type { PipelineDeps } from '../pipeline/process-event.ts'
import { recordEvent, type IngestSink, type Recorded } from '../pipeline/record-event.ts'
import { readBody } from './read-body.ts'
import { replyBurst } from './reply-burst.ts'
import { corsHeaders, json, PIXEL } from './respond.ts'

export interface IngestOptions {
  pipeline: PipelineDeps
  sink: IngestSink
  bodyLimitBytes: number
  logger: Logger
  /** The domain of the site an Umami `website` value names. */
  umamiDomain: (website: string) => string | undefined
}

interface Reply {
  status: number
  body: object
  headers?: Record<string, string>
}

export const EVENT_PATH = '/api/event'
export const PIXEL_PATH = '/api/pixel.gif'

const ACCEPTED_TYPES = /^(application\/json|text\/plain)\b/i

/** The lean ingest handler, shared by the standalone server and the Express router. */
export function createIngestHandler(opts: IngestOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const burst = replyBurst((err) => opts.logger.warn({ err: { message: (err as Error).message } }, 'a reply could not be written'))
  return (req, res) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined
    const path = pathOf(req)
    const isPixel = path === PIXEL_PATH
    const send = (reply: Reply) =>
      burst(() => {
        if (isPixel) sendPixel(res, reply)
        else json(res, reply.status, reply.body, reply.headers ? { ...corsHeaders(origin), ...reply.headers } : corsHeaders(origin))
      })
    const fail = (err: unknown) => {
      opts.logger.error({ err: { message: (err as Error).message } }, 'ingest failed')
      if (!res.headersSent) json(res, 500, { error: 'internal error' }, corsHeaders(origin))
    }
    try {
      const reply = route(req, path, opts)
      if (reply instanceof Promise) reply.then(send, fail)
      else send(reply)
    } catch (err) {
      fail(err)
    }
  }
}

const pathOf = (req: IncomingMessage): string => {
  const url = req.url ?? ''
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}

function route(req: IncomingMessage, path: string, opts: IngestOptions): Reply | Promise<Reply> {
  if (path === PIXEL_PATH && req.method === 'GET') return decide(pixelEvent(req), req, opts)
  if (path !== EVENT_PATH && path !== UMAMI_PATH) return { status: 404, body: { error: 'not found' } }
  if (req.method === 'OPTIONS') {
    return {
      status: 204,
      body: {},
      headers: { 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '86400' },
    }
  }
  if (req.method !== 'POST') return { status: 405, body: { error: 'use POST' }, headers: { Allow: 'POST, OPTIONS' } }
  const type = req.headers['content-type']
  if (type && !ACCEPTED_TYPES.test(type)) {
    req.resume()
    return reject(opts, 415, 'content-type must be application/json or text/plain')
  }
  return readBody(req, opts.bodyLimitBytes).then((body) => {
    if (!body.ok) return reject(opts, body.status, body.reason)
    return decide(path === UMAMI_PATH ? parseUmamiBody(body.body, opts.umamiDomain) : parseEventBody(body.body), req, opts)
  })
}

function decide(parsed: ParseResult, req: IncomingMessage, opts: IngestOptions): Reply | Promise<Reply> {
  if (!parsed.ok) return reject(opts, parsed.status ?? 400, parsed.reason, parsed.domain)
  const r = recordEvent(parsed.event, { peer: req.socket.remoteAddress, headers: req.headers }, opts.pipeline, opts.sink)
  return r instanceof Promise ? r.then(toReply) : toReply(r)
}

const ACCEPTED: Reply = { status: 202, body: { status: 'accepted' } }

function toReply(r: Recorded): Reply {
  switch (r.status) {
    case 'rejected':
      return { status: r.code, body: { error: r.reason } }
    case 'dropped':
      if (r.reason === 'rate_limited') return { status: 429, body: { error: 'rate limited' }, headers: { 'Retry-After': '60' } }
      // A visitor's consent refusal is honoured, not an error; a bot is told why it is refused.
      if (r.reason === 'bot') return { status: 403, body: { error: 'bot traffic is not counted' } }
      return { status: 202, body: { status: 'dropped', reason: r.reason } }
    case 'accepted':
      return ACCEPTED
    case 'unavailable':
      return { status: 503, body: { error: r.why === 'full' ? 'ingest buffer full, retry later' : 'shutting down' }, headers: { 'Retry-After': '1' } }
  }
}

function reject(opts: IngestOptions, status: number, reason: string, domain?: string): Reply {
  opts.sink.invalid(domain === undefined ? undefined : opts.pipeline.resolveSite(domain)?.id)
  return { status, body: { error: reason } }
}

/** No-JS tracking: <img src="/api/pixel.gif?d=site&u=url">; u defaults to the Referer. */
function pixelEvent(req: IncomingMessage): ParseResult {
  const q = new URL(req.url ?? '', 'http://pixel').searchParams
  const referer = typeof req.headers.referer === 'string' ? req.headers.referer : undefined
  const w = q.get('w')
  const candidate: Record<string, unknown> = { n: q.get('n') ?? 'pageview', u: q.get('u') ?? referer, d: q.get('d') ?? undefined, r: q.get('r') }
  if (w !== null && /^\d{1,6}$/.test(w)) candidate.w = Number(w)
  return validateEvent(candidate)
}

/** An <img> gets the 1x1 GIF on success; errors stay JSON for whoever debugs them. */
function sendPixel(res: ServerResponse, reply: Reply): void {
  if (reply.status >= 300) return json(res, reply.status, reply.body, reply.headers)
  res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': PIXEL.length, 'Cache-Control': 'no-store' })
  res.end(PIXEL)
}
