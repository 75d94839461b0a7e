// The HTTP method Seam's newest JavaScript SDK (@seamapi/http 2.32.0, installed under the alias
// `seamapi-http-2` by package.json) sends for each route, read from its code: every route
// method in lib/routes/ is `new SeamHttpRequest(this, { pathname: '/…', method: '…', … })`.
// @seamapi/http 2.x wants Node.js 22.12 or newer to run; reading its files needs no more than
// the Node.js this project's conformance runs on.
//
//   node http-methods.mjs   ->  {"sdk": "@seamapi/http 2.32.0", "methods": {"/locks/unlock_door": "POST", …}}
//
// Exits 1 when a pathname has two different methods or nothing is found.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('./node_modules/seamapi-http-2/', import.meta.url))
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const methods = {}
const conflicts = []
const visit = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name)
    if (entry.isDirectory()) visit(file)
    else if (entry.name.endsWith('.js')) {
      const code = readFileSync(file, 'utf8')
      for (const m of code.matchAll(/pathname: '([^']+)',\s*method: '([A-Z]+)'/g)) {
        if (methods[m[1]] != null && methods[m[1]] !== m[2]) conflicts.push(`${m[1]}: ${methods[m[1]]} and ${m[2]}`)
        methods[m[1]] = m[2]
      }
    }
  }
}
visit(join(root, 'lib/routes'))
if (conflicts.length > 0 || Object.keys(methods).length === 0) {
  console.error(`http-methods: ${conflicts.length > 0 ? conflicts.join('; ') : 'no routes found'}`)
  process.exit(1)
}
process.stdout.write(JSON.stringify({ sdk: `${name} ${version}`, methods }) + '\n')
