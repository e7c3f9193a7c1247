import type { ServerResponse } from 'node:http'

export function json(res: ServerResponse, status: number, body: object, headers: Readonly<Record<string, string>> = {}): void {
  if (status === 204) {
    res.writeHead(204, headers)
    return void res.end()
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

const ANY_ORIGIN: Readonly<Record<string, string>> = Object.freeze({ 'Access-Control-Allow-Origin': '*' })

/** CORS for the tracker: any origin may send (each site's allowed origins are checked per event). */
export function corsHeaders(origin: string | undefined): Readonly<Record<string, string>> {
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Allow-Credentials': 'false' } : ANY_ORIGIN
}

export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')
