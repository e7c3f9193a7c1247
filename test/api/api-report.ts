/**
 * The public API of every package, names and types: each export of a package's index
 * with its declaration as the compiler sees it. `pnpm api:update` writes it to
 * public-api.json; test/api fails while the sources and the file disagree, so a change
 * of the public surface is always a deliberate one (and a semver decision).
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const PACKAGES = ['core', 'store', 'collector', 'aggregator', 'dashboard'] as const
export const REPORT_FILE = new URL('./public-api.json', import.meta.url)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export type ApiReport = Record<string, Record<string, string>>

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType | ts.TypeFormatFlags.WriteArrowStyleSignature

const isPublic = (p: ts.Symbol) => !p.name.startsWith('#') && !(p.declarations ?? []).some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected))

function members(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): string[] {
  return checker.getPropertiesOfType(type).filter(isPublic).map((p) => {
    const optional = p.flags & ts.SymbolFlags.Optional ? '?' : ''
    return `${p.name}${optional}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, at), at, FLAGS)}`
  })
}

function describe(checker: ts.TypeChecker, exported: ts.Symbol, at: ts.Node): string {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
  const parts: string[] = []
  if (symbol.flags & ts.SymbolFlags.Class) {
    const ctor = checker.getTypeOfSymbolAtLocation(symbol, at)
    const construct = ctor.getConstructSignatures().map((s) => `new ${checker.signatureToString(s, at, FLAGS)}`)
    const own = [...(symbol.exports?.values() ?? [])].filter((p) => p.flags & (ts.SymbolFlags.Property | ts.SymbolFlags.Method) && p.name !== 'prototype' && isPublic(p))
    const statics = own.map((p) => `static ${p.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(p, at), at, FLAGS)}`)
    parts.push(`class { ${[...construct, ...statics, ...members(checker, checker.getDeclaredTypeOfSymbol(symbol), at)].join('; ')} }`)
  } else if (symbol.flags & ts.SymbolFlags.Function) {
    parts.push(`function ${checker.getTypeOfSymbolAtLocation(symbol, at).getCallSignatures().map((s) => checker.signatureToString(s, at, FLAGS)).join(' & ')}`)
  } else if (symbol.flags & ts.SymbolFlags.Variable) {
    parts.push(`const ${checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, at), at, FLAGS)}`)
  }
  if (symbol.flags & ts.SymbolFlags.Interface) parts.push(`interface { ${members(checker, checker.getDeclaredTypeOfSymbol(symbol), at).join('; ')} }`)
  if (symbol.flags & ts.SymbolFlags.TypeAlias) parts.push(`type ${checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), at, FLAGS | ts.TypeFormatFlags.InTypeAlias)}`)
  const spec = exported.declarations?.find(ts.isExportSpecifier)
  if (spec && (spec.isTypeOnly || spec.parent.parent.isTypeOnly)) parts.unshift('type-only export:')
  // Types the index does not name print as import("path").Name: the name is what matters, not where it lives on this disk.
  // A well-known symbol's member prints as __@name@<symbol id>, an id that moves whenever any source file changes.
  return parts.join(' ').replace(/import\("[^"]*"\)\./g, '').replace(/__@(\w+)@\d+/g, '[Symbol.$1]')
}

export function apiReport(): ApiReport {
  const configFile = ts.readConfigFile(`${ROOT}tsconfig.base.json`, (f) => ts.sys.readFile(f))
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT)
  const entries = PACKAGES.map((p) => `${ROOT}packages/${p}/src/index.ts`)
  const program = ts.createProgram(entries, options)
  const checker = program.getTypeChecker()
  const report: ApiReport = {}
  PACKAGES.forEach((pkg, i) => {
    const source = program.getSourceFile(entries[i]!)!
    const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)
    report[`@quiet-analytics/${pkg}`] = Object.fromEntries(exports.map((e) => [e.name, describe(checker, e, source)] as const).sort(([a], [b]) => (a < b ? -1 : 1)))
  })
  return report
}

/** The names a package exports at run time: everything but its types, interfaces and type-only exports. */
export function runtimeNames(api: Record<string, string>): string[] {
  return Object.keys(api).filter((name) => !/^(type|interface|type-only export:) /.test(api[name]!)).sort()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(REPORT_FILE, `${JSON.stringify(apiReport(), null, 2)}\n`)
