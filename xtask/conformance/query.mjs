// The query strings of crates/seam-core/tests/query_cases.json, computed with Seam's own code:
// `serializeUrlSearchParams` of @seamapi/url-search-params-serializer (pinned in package.json),
// then `_strict=true` set the way @seamapi/http 2.32.0 does it in its
// src/lib/url-search-params-serializer.ts:
//
//   const queryString = baseSerializeUrlSearchParams(params)
//   if (queryString === '') return ''
//   const searchParams = new URLSearchParams(queryString)
//   searchParams.set('_strict', 'true')
//   return searchParams.toString()
//
// (The @seamapi/http pinned in package.json, 1.102.0, predates `_strict`, so those lines are
// copied here rather than imported.)
//
//   node xtask/conformance/query.mjs           compare: exit 1 and list every case whose
//                                              `expected` / `error` differs from the package
//   node xtask/conformance/query.mjs --write   print the regenerated case file on stdout
//
//   --cases PATH         the case file (default: crates/seam-core/tests/query_cases.json,
//                        found from this script's place in the repository, or in
//                        target/conformance/ where `cargo xtask conformance` copies it)
//   --node-modules DIR   where the package is installed (default: beside this script, or
//                        target/conformance/node_modules as `cargo xtask conformance` installs it)
//
// A case is {"name", "params", "expected": "<query string>"}, or {"name", "params",
// "error": true, "js_error": "<what the package threw>"} when the package refuses the params.
// `--write` keeps each case's name and the exact text of its `params`, and writes `expected` or
// `error` + `js_error` from the package's answer.
//
// How the params reach the package. The case file is read by a small JSON reader of its own,
// not JSON.parse, for one reason: an integer literal that serde_json holds exactly (an i64 or
// u64) but a JavaScript number cannot (beyond 2^53 - 1) is handed to the package as a BigInt,
// which the package writes with all its digits, as our client does; every other number is the
// same double JSON.parse would make. Objects get their keys as JSON.parse gives them (own
// data properties, `__proto__` included).
//
// What the case file cannot express, so is not covered:
// - `undefined` (the package leaves such a parameter out), Date objects and Temporal instants
//   (written as ISO strings), NaN and +-Infinity (refused), BigInt beyond the i64/u64 range,
//   functions, symbols and class instances: JSON has none of them. A date-time parameter is a
//   plain string on our side and in these cases.
// - Strings with lone UTF-16 surrogates: JSON can write "\ud800", but serde_json refuses it and
//   a Rust string cannot hold it (URLSearchParams would write U+FFFD).
// - Objects in arrays are refused by the package unless they carry a numeric
//   `epochMilliseconds` (its test for a Temporal.Instant); such a JSON object is written as the
//   instant, and the cases cover that too.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const PACKAGE = '@seamapi/url-search-params-serializer'
const here = dirname(fileURLToPath(import.meta.url))

const args = process.argv.slice(2)
let write = false
let casesPath = null
let modulesDir = null
for (let i = 0; i < args.length; i++) {
  const a = args[i]
  if (a === '--write') write = true
  else if (a === '--cases' && i + 1 < args.length) casesPath = resolve(args[++i])
  else if (a === '--node-modules' && i + 1 < args.length) modulesDir = resolve(args[++i])
  else {
    console.error(`query.mjs: unknown argument ${JSON.stringify(a)}`)
    console.error('usage: node query.mjs [--write] [--cases PATH] [--node-modules DIR]')
    process.exit(2)
  }
}
casesPath ??= resolve(here, '../../crates/seam-core/tests/query_cases.json')

// ---------------------------------------------------------------------------------------------
// The package

const resolvePackage = () => {
  const bases = modulesDir
    ? [join(modulesDir, '..', 'package.json')]
    : [join(here, 'package.json'), resolve(here, '../../target/conformance/package.json')]
  for (const base of bases) {
    try {
      return createRequire(base).resolve(PACKAGE)
    } catch {}
  }
  console.error(
    `query.mjs: ${PACKAGE} is not installed (looked from ${bases.join(', ')}); ` +
      'run `cargo xtask conformance` once, or `npm ci` in a copy of xtask/conformance',
  )
  process.exit(2)
}
const entry = resolvePackage()
const { serializeUrlSearchParams } = await import(pathToFileURL(entry).href)
const { version } = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8'))

/** The query string @seamapi/http 2.32.0 sends for `params`, or the error it throws. */
const theirs = (params) => {
  try {
    const queryString = serializeUrlSearchParams(params)
    if (queryString === '') return { expected: '' }
    const searchParams = new URLSearchParams(queryString)
    searchParams.set('_strict', 'true')
    return { expected: searchParams.toString() }
  } catch (err) {
    return { error: true, js_error: `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}` }
  }
}

// ---------------------------------------------------------------------------------------------
// A JSON reader that keeps exact integers and the source text of each case's params

const I64_MIN = -(2n ** 63n)
const U64_MAX = 2n ** 64n - 1n

const readJson = (text) => {
  let pos = 0
  const spans = new Map() // path "i.params" -> source text
  const fail = (what) => {
    throw new Error(`${casesPath}: ${what} at offset ${pos}`)
  }
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++
  }
  const expect = (c) => {
    if (text[pos] !== c) fail(`expected ${JSON.stringify(c)}`)
    pos++
  }
  const string = () => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(
      text.slice(pos),
    )
    if (!m) fail('bad string')
    pos += m[0].length
    return JSON.parse(m[0])
  }
  const number = () => {
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos))
    if (!m) fail('bad value')
    pos += m[0].length
    if (m[1] === undefined && m[2] === undefined) {
      const n = BigInt(m[0])
      const exact = n >= I64_MIN && n <= U64_MAX
      if (exact && (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER))) {
        return n
      }
    }
    return Number(m[0])
  }
  const value = (path) => {
    ws()
    const start = pos
    let v
    const c = text[pos]
    if (c === '{') {
      pos++
      v = {}
      ws()
      if (text[pos] === '}') pos++
      else {
        for (;;) {
          ws()
          const key = string()
          ws()
          expect(':')
          const inner = value(`${path}.${key}`)
          // As JSON.parse: an own data property, even for "__proto__".
          Object.defineProperty(v, key, {
            value: inner,
            enumerable: true,
            writable: true,
            configurable: true,
          })
          ws()
          if (text[pos] === ',') pos++
          else {
            expect('}')
            break
          }
        }
      }
    } else if (c === '[') {
      pos++
      v = []
      ws()
      if (text[pos] === ']') pos++
      else {
        for (;;) {
          v.push(value(`${path}.${v.length}`))
          ws()
          if (text[pos] === ',') pos++
          else {
            expect(']')
            break
          }
        }
      }
    } else if (c === '"') v = string()
    else if (text.startsWith('true', pos)) (pos += 4), (v = true)
    else if (text.startsWith('false', pos)) (pos += 5), (v = false)
    else if (text.startsWith('null', pos)) (pos += 4), (v = null)
    else v = number()
    spans.set(path, text.slice(start, pos))
    return v
  }
  const v = value('')
  ws()
  if (pos !== text.length) fail('trailing text')
  return { value: v, spans }
}

// ---------------------------------------------------------------------------------------------
// Compare or write

const { value: cases, spans } = readJson(readFileSync(casesPath, 'utf8'))
if (!Array.isArray(cases)) {
  console.error(`query.mjs: ${casesPath} is not a JSON list of cases`)
  process.exit(2)
}
const problems = []
const names = new Set()
cases.forEach((c, i) => {
  const ok =
    c !== null &&
    typeof c === 'object' &&
    typeof c.name === 'string' &&
    c.params !== null &&
    typeof c.params === 'object' &&
    !Array.isArray(c.params)
  if (!ok) problems.push(`case ${i}: needs a string "name" and an object "params"`)
  else if (names.has(c.name)) problems.push(`case ${i}: the name ${JSON.stringify(c.name)} is used twice`)
  names.add(c?.name)
})
if (problems.length > 0) {
  for (const p of problems) console.error(`query.mjs: ${p}`)
  process.exit(2)
}

const results = cases.map((c) => theirs(c.params))

if (write) {
  const lines = cases.map((c, i) => {
    const r = results[i]
    const answer =
      r.error === true
        ? `"error": true, "js_error": ${JSON.stringify(r.js_error)}`
        : `"expected": ${JSON.stringify(r.expected)}`
    return `  {"name": ${JSON.stringify(c.name)}, "params": ${spans.get(`.${i}.params`)}, ${answer}}`
  })
  process.stdout.write(`[\n${lines.join(',\n')}\n]\n`)
  console.error(`query.mjs: ${cases.length} cases written with ${PACKAGE} ${version}`)
  process.exit(0)
}

const show = (r) =>
  r.error === true
    ? `an error${r.js_error === undefined ? '' : ` (${r.js_error})`}`
    : JSON.stringify(r.expected ?? null)
const differences = []
cases.forEach((c, i) => {
  const r = results[i]
  const filed =
    c.error === true ? { error: true, js_error: c.js_error } : { expected: c.expected }
  const same =
    r.error === true
      ? c.error === true && c.js_error === r.js_error && !('expected' in c)
      : c.error === undefined && c.expected === r.expected
  if (!same) {
    differences.push(`${c.name}: the case file has ${show(filed)}, the package gives ${show(r)}`)
  }
})
for (const d of differences) console.error(`query.mjs: DIFFERS ${d}`)
console.error(
  `query.mjs: ${cases.length} cases against ${PACKAGE} ${version} (+ _strict as @seamapi/http 2.32.0), ` +
    `${differences.length} differ`,
)
process.exit(differences.length === 0 ? 0 : 1)
