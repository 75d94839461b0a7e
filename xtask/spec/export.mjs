// Writes the OpenAPI document that `@seamapi/types/connect` exports, as JSON with two-space
// indentation, to the path given as the first argument. Run by `cargo xtask spec-update`.
import { writeFileSync } from 'node:fs'
import { openapi } from '@seamapi/types/connect'

const [out] = process.argv.slice(2)
if (!out) {
  console.error('usage: node export.mjs OUT.json')
  process.exit(2)
}
writeFileSync(out, JSON.stringify(openapi, null, 2))
