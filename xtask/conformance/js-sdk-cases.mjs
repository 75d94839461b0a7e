// Calls user_identities.add_acs_user through Seam's JavaScript SDK (@seamapi/http, pinned in
// package.json) once per case, and prints what the SDK returned or raised as one JSON line.
//
//   SEAM_CONFORMANCE_CASES='{"endpoint": "...", "cases": [{"name", "api_key", "params"}]}' \
//     node js-sdk-cases.mjs
//
// stdout: {"sdk": "@seamapi/http 1.102.0", "results": [{"name", "ok": true} |
//          {"name", "error": {"class", "code", "status", "message", "request_id", "validation"}}]}

import { readFileSync } from 'node:fs'

import { SeamHttp, isSeamHttpApiError, isSeamHttpInvalidInputError } from '@seamapi/http/connect'

const { endpoint, cases } = JSON.parse(process.env.SEAM_CONFORMANCE_CASES ?? 'null') ?? {}
if (endpoint == null || !Array.isArray(cases)) {
  console.error('js-sdk-cases: SEAM_CONFORMANCE_CASES is not set')
  process.exit(2)
}
const { version } = JSON.parse(
  readFileSync(new URL('./node_modules/@seamapi/http/package.json', import.meta.url), 'utf8'),
)
const PARAMS = ['acs_user_id', 'user_identity_id', 'user_identity_key']

const results = []
for (const c of cases) {
  try {
    const seam = SeamHttp.fromApiKey(c.api_key, { endpoint })
    const answer = await seam.userIdentities.addAcsUser(c.params)
    results.push({ name: c.name, ok: true, answer: answer ?? null })
  } catch (err) {
    const validation = {}
    if (isSeamHttpInvalidInputError(err)) {
      for (const p of PARAMS) {
        const messages = err.getValidationErrorMessages(p)
        if (messages.length > 0) validation[p] = messages
      }
    }
    // A non-Seam error answer surfaces as axios' own error, with the status on its response.
    const status = isSeamHttpApiError(err) ? err.statusCode : (err?.response?.status ?? null)
    results.push({
      name: c.name,
      error: {
        class: err?.constructor?.name ?? typeof err,
        code: isSeamHttpApiError(err) ? err.code : null,
        status,
        message: String(err?.message ?? err).split('\n')[0],
        request_id: isSeamHttpApiError(err) ? (err.requestId || null) : null,
        validation,
      },
    })
  }
}
process.stdout.write(JSON.stringify({ sdk: `@seamapi/http ${version}`, results }) + '\n')
