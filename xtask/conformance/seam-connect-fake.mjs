// Seam's own fake (@seamapi/fake-seam-connect, the version pinned in package.json), seeded with
// the project's seed and served on 127.0.0.1 for `cargo xtask conformance`.
//
//   SEAM_CONFORMANCE_SEED='{...}' node seam-connect-fake.mjs
//
// The seed comes from xtask (seam_fake::seed), so the same ids and keys work against both
// fakes. Prints one JSON line {"endpoint": "http://127.0.0.1:PORT", "version": "..."} on stdout,
// then serves until stdin closes (xtask holds it open) or SIGTERM/SIGINT.
//
// The fake's startServer() listens on every interface and has no host option, so it is started
// on a Unix socket in a private temporary folder instead, and its request handler is taken from
// there and served by a server of ours on 127.0.0.1:0. That server counts every request per
// path, so the number of attempts a client made can be checked at the fake:
//
//   GET /_conformance/requests  ->  {"/user_identities/add_acs_user": 3, ...}
//
// Set NODE_ENV=production (xtask does) to keep the fake from adding a JS `stack` to errors.

import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createFake } from '@seamapi/fake-seam-connect'

const seed = JSON.parse(process.env.SEAM_CONFORMANCE_SEED ?? 'null')
if (seed == null) {
  console.error('seam-connect-fake: SEAM_CONFORMANCE_SEED is not set')
  process.exit(2)
}
const { version } = JSON.parse(
  readFileSync(new URL('./node_modules/@seamapi/fake-seam-connect/package.json', import.meta.url), 'utf8'),
)

const fake = await createFake()
const db = () => fake.database.getState()

db().addWorkspace({ name: seed.workspace_name, workspace_id: seed.workspace_id, is_sandbox: true })
db().addApiKey({ name: 'conformance', token: seed.api_key, workspace_id: seed.workspace_id })
// The fake keeps a hash of the token's last `_`-separated part, as Seam does.
const patParts = seed.personal_access_token.split('_')
db().addAccessToken({
  access_token_name: 'conformance',
  email: 'conformance@example.com',
  short_token: patParts[1] ?? '',
  long_token_hash: createHash('sha256').update(patParts.at(-1) ?? '').digest('hex'),
})
db().addUserIdentity({
  workspace_id: seed.workspace_id,
  user_identity_id: seed.user_identity.user_identity_id,
  user_identity_key: seed.user_identity.user_identity_key,
  email_address: seed.user_identity.email_address,
  full_name: seed.user_identity.full_name,
})
db().addAcsSystem({
  acs_system_id: seed.acs_system_id,
  external_type: 'salto_site',
  name: 'Acme HQ',
  workspace_id: seed.workspace_id,
  connected_account_id: seed.connected_account_id,
})
// addAcsUser() picks its own ids (acs_user1, ...), which are not UUIDs as Seam's are; put the
// seed's ids in their place.
const ids = new Map()
for (const u of seed.acs_users) {
  const made = db().addAcsUser({
    acs_system_id: seed.acs_system_id,
    workspace_id: seed.workspace_id,
    external_type: 'salto_site_user',
    full_name: u.full_name,
    email_address: u.email_address,
    phone_number: u.phone_number,
  })
  ids.set(made.acs_user_id, u.acs_user_id)
}
fake.database.setState({
  acs_users: db().acs_users.map((u) => (ids.has(u.acs_user_id) ? { ...u, acs_user_id: ids.get(u.acs_user_id) } : u)),
})

const socketDir = mkdtempSync(join(tmpdir(), 'seam-connect-fake-'))
const inner = await fake.startServer({ port: join(socketDir, 'fake.sock'), baseUrl: 'http://127.0.0.1' })
const handlers = inner.server.listeners('request')
inner.server.close()
rmSync(socketDir, { recursive: true, force: true })

const counts = {}
const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0]
  if (path === '/_conformance/requests') {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(counts))
    return
  }
  counts[path] = (counts[path] ?? 0) + 1
  for (const handler of handlers) handler.call(server, req, res)
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address()
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${port}`, version }) + '\n')
})

const stop = () => {
  server.close()
  process.exit(0)
}
process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
