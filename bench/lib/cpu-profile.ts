/**
 * Reads a V8 .cpuprofile into areas of the ingest path. A sample counts toward the area
 * of the innermost frame that is the project's or a library's code, so Node internals
 * and native calls are charged to whoever called them (the socket write of a response
 * to the response); a stack with no such frame is Node's own work (HTTP parsing, socket
 * reads, timers).
 */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** Areas by the path of the frame's file, first match wins. */
const AREAS: [RegExp, string][] = [
  [/collector\/src\/http\/respond\.ts/, 'response: headers, body, socket write'],
  [/collector\/src\/http\/read-body\.ts/, 'request body read'],
  [/collector\/src\/writer\/|packages\/store\/|@clickhouse/, 'batch writer and store client'],
  [/ua-parser-js|isbot|lru-cache|enrich\/user-agent/, 'user-agent parse and bot check'],
  [/zod|core\/src\/validation|pipeline\/parse-body/, 'body parse and validation'],
  [/maxmind|mmdb|enrich\/geo/, 'country lookup'],
  [/core\/src\/privacy/, 'privacy primitives (address, visitor hash, scrub)'],
  [/collector\/src\/enrich\//, 'page URL, referrer, screen, language'],
  [/collector\/src\/pipeline\//, 'pipeline steps'],
  [/collector\/src\/http\//, 'ingest handler'],
  [/collector\/src\/|core\/src\//, 'collector, other'],
  [/tsx|esbuild/, 'tsx loader'],
  [/target-server|profile-window/, 'bench harness'],
]

const OURS = /\/(packages|node_modules|bench)\//

type CallFrame = ProfileNode['callFrame']

/** "function (package path:line)", or "(native)" for V8's and Node's own. */
const frameName = (f: CallFrame): string =>
  `${f.functionName || '(anonymous)'} (${f.url.replace(/^.*\/(node_modules\/|packages\/)/, '$1') || 'native'}${f.url ? `:${f.lineNumber + 1}` : ''})`

export interface AreaBreakdown {
  /** Sampled milliseconds per area, GC and idle included. */
  ms: Record<string, number>
  /** The functions with the most self time: name (file:line) and ms. */
  topSelf: { fn: string; ms: number }[]
  totalMs: number
}

export function breakdown(profile: CpuProfile, top = 25): AreaBreakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const areaOf = new Map<number, string>()
  const area = (id: number): string => {
    const known = areaOf.get(id)
    if (known) return known
    const f = byId.get(id)!.callFrame
    let a: string
    if (f.functionName === '(garbage collector)') a = 'GC (on the loop)'
    else if (f.functionName === '(idle)') a = 'idle'
    else if (f.functionName === '(program)') a = 'native, unattributed'
    else if (OURS.test(f.url)) a = AREAS.find(([re]) => re.test(f.url))?.[1] ?? 'other libraries'
    else {
      const up = parent.get(id)
      a = up === undefined || byId.get(up)!.callFrame.functionName === '(root)' ? 'Node: HTTP parsing, sockets, streams, timers' : area(up)
    }
    areaOf.set(id, a)
    return a
  }
  const ms: Record<string, number> = {}
  const self = new Map<number, number>()
  let totalMs = 0
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000
    totalMs += dt
    const a = area(id)
    ms[a] = (ms[a] ?? 0) + dt
    self.set(id, (self.get(id) ?? 0) + dt)
  })
  const selfByFn = new Map<string, number>()
  for (const [id, t] of self) {
    const name = frameName(byId.get(id)!.callFrame)
    selfByFn.set(name, (selfByFn.get(name) ?? 0) + t)
  }
  const topSelf = [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, t]) => ({ fn, ms: t }))
  return { ms, topSelf, totalMs }
}

interface HeapNode {
  callFrame: CallFrame
  selfSize: number
  children: HeapNode[]
}

/** Bytes allocated by function (sampled allocation profile), most first. */
export function allocations(head: HeapNode, top = 15): { fn: string; bytes: number }[] {
  const byFn = new Map<string, number>()
  const walk = (n: HeapNode) => {
    const name = frameName(n.callFrame)
    if (n.selfSize > 0) byFn.set(name, (byFn.get(name) ?? 0) + n.selfSize)
    n.children.forEach(walk)
  }
  walk(head)
  return [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, bytes]) => ({ fn, bytes }))
}
