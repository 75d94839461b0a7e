// Seam's own fake (@seamapi/fake-seam-connect, the version pinned in package.json), seeded and
// served on 127.0.0.1 for `cargo xtask conformance`. Two seeds:
//
//   SEAM_CONFORMANCE_SEED='{...}' node seam-connect-fake.mjs
//       the project's seed from xtask (seamapi_fake::seed), so the same ids and keys work against
//       both fakes;
//   SEAM_CONFORMANCE_FAKE_SEED=seam node seam-connect-fake.mjs
//       Seam's own seed (`fake.seed()`: a workspace, locks, a thermostat, a noise sensor, a
//       client session, an ACS system, ...) plus an ACS user, entrance and access group, for the
//       whole-API part. Every id is a UUID (see "UUIDs" below).
//
// Prints one JSON line {"endpoint": "http://127.0.0.1:PORT", "version": "..."} on stdout (with
// Seam's seed also "seed", "routes" and "ids", below), then serves until stdin closes (xtask
// holds it open) or SIGTERM/SIGINT.
//
// The fake's startServer() listens on every interface and has no host option, so it is started
// on a Unix socket in a private temporary folder instead, and its request handler is taken from
// there and served by a server of ours on 127.0.0.1:0. That server counts every request per
// path, so the number of attempts a client made can be checked at the fake:
//
//   GET /_conformance/requests  ->  {"/user_identities/add_acs_user": 3, ...}
//
// Set NODE_ENV=production (xtask does) to keep the fake from adding a JS `stack` to errors.
//
// UUIDs. Seam's fake makes ids as `<type><n>` (`action_attempt1`) and its seed names them
// (`august_device_1`), while Seam's API, and so our client's validation, wants UUIDs. With
// Seam's seed, the fake is made to hold UUIDs from the start instead, so nothing between the
// client and the fake rewrites anything: its id maker (`_getNextId`, the one place the fake
// mints ids) is replaced by one that returns a stable UUID for the id it would have made, and
// after seeding every non-UUID value of a `*_id` field (or item of a `*_ids` field) in the
// database is replaced by the UUID of that value, the same everywhere. Request ids are left as
// the fake makes them. "ids" on the startup line maps each seed id to its UUID.
//
// "routes" lists every route the package serves, read from the package itself: the keys of
// the route table its build generated (`generated_routes_default` in dist, `/api/...`) with the
// methods its route types (`type Routes` in dist/index.d.ts) say each accepts.

import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createFake } from '@seamapi/fake-seam-connect'

const seamsSeed = process.env.SEAM_CONFORMANCE_FAKE_SEED === 'seam'
const seed = JSON.parse(process.env.SEAM_CONFORMANCE_SEED ?? 'null')
if (seed == null && !seamsSeed) {
  console.error('seam-connect-fake: set SEAM_CONFORMANCE_SEED, or SEAM_CONFORMANCE_FAKE_SEED=seam')
  process.exit(2)
}
const packageDir = new URL('./node_modules/@seamapi/fake-seam-connect/', import.meta.url)
const { version } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8'))

const fake = await createFake()
const db = () => fake.database.getState()

/** A stable UUID (version 4 layout) for `id`. */
function uuidFor(id) {
  const h = createHash('sha256').update(`seam-conformance:${id}`).digest('hex')
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

// With Seam's seed: what the next action attempt that Seam's fake settles at once (it answers
// `pending` and marks the attempt `success` in the same request, as unlock_door does) becomes
// instead, once. `POST /_conformance/next_action_attempt` with
//   {"status": "error", "error": {"type": "...", "message": "..."}}  a failed attempt, or
//   {"status": "pending"}                                           one that stays pending.
// `POST /_fake/update_action_attempt` (the fake's own) changes an existing attempt.
let nextActionAttempt = null

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Seam's seed, with extras for the ACS routes, every id a UUID. */
async function seedSeams() {
  const makeId = db()._getNextId
  fake.database.setState({
    _getNextId: (type) => {
      const id = makeId(type)
      return type === 'request' ? id : uuidFor(id)
    },
  })
  // What the next action attempt an action route settles at once becomes instead of
  // `success` (POST /_conformance/next_action_attempt, below).
  const settle = db().updateActionAttempt
  fake.database.setState({
    updateActionAttempt: (params) => {
      if (nextActionAttempt == null || params.status !== 'success') return settle(params)
      const outcome = nextActionAttempt
      nextActionAttempt = null
      return settle({ ...params, result: null, error: null, ...outcome })
    },
  })
  const seeded = await fake.seed()
  const workspace_id = seeded.seed_workspace_1
  const acs_system_id = seeded.visionline_acs_system_1
  const group = db().addAcsAccessGroup({
    acs_system_id,
    workspace_id,
    external_type: 'visionline_access_group',
    name: 'Conformance group',
  })
  const entrance = db().addAcsEntrance({ acs_system_id, display_name: 'Conformance entrance' })
  const user = db().addAcsUser({
    acs_system_id,
    workspace_id,
    external_type: 'visionline_acs_user',
    full_name: 'Conformance User',
    email_address: 'conformance-user@example.com',
  })
  db().addAcsUserToAcsAccessGroup({
    acs_access_group_id: group.acs_access_group_id,
    acs_user_id: user.acs_user_id,
  })

  // Every seed id that is not yet a UUID becomes one, wherever it appears.
  const ids = {}
  const remap = (value) => {
    if (typeof value !== 'string' || UUID.test(value)) return value
    ids[value] ??= uuidFor(value)
    return ids[value]
  }
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk)
    if (node == null || typeof node !== 'object') return node
    const out = {}
    for (const [key, value] of Object.entries(node)) {
      if (/_id$/.test(key) && typeof value === 'string') out[key] = remap(value)
      else if (/_ids$/.test(key) && Array.isArray(value)) out[key] = value.map(remap)
      else out[key] = walk(value)
    }
    return out
  }
  const state = db()
  const data = {}
  for (const [key, value] of Object.entries(state)) {
    if (typeof value !== 'function' && !key.startsWith('_')) data[key] = walk(value)
  }
  fake.database.setState(data)

  const seedOut = {
    acs_access_group_id: group.acs_access_group_id,
    acs_entrance_id: entrance.acs_entrance_id,
    acs_user_id: user.acs_user_id,
  }
  for (const [key, value] of Object.entries(seeded)) seedOut[key] = /_token$|_key$/.test(key) ? value : remap(value)
  return { seed: seedOut, ids, routes: servedRoutes() }
}

/** The routes the package serves, with the methods each accepts. */
function servedRoutes() {
  const dist = new URL('dist/', packageDir)
  const index = readFileSync(new URL('index.js', dist), 'utf8')
  const chunk = index.match(/from '\.\/(chunk-[A-Z0-9]+\.js)'/)?.[1]
  if (chunk == null) throw new Error('seam-connect-fake: no chunk import in dist/index.js')
  const code = readFileSync(new URL(chunk, dist), 'utf8')
  const start = code.indexOf('generated_routes_default = {')
  if (start < 0) throw new Error(`seam-connect-fake: no route table in dist/${chunk}`)
  const table = code.slice(start, code.indexOf('\n};', start))
  const types = readFileSync(new URL('index.d.ts', dist), 'utf8')
  const methods = {}
  for (const m of types.matchAll(/^ {4}"([^"]+)": \{\n {8}route: "[^"]+";\n {8}method: ([^;]+);/gm)) {
    methods[m[1]] = [...m[2].matchAll(/"([A-Z]+)"/g)].map((x) => x[1])
  }
  return [...table.matchAll(/^ {2}"\/api(\/[^"]+)": \{/gm)].map((m) => ({
    path: m[1],
    methods: methods[m[1]] ?? [],
  }))
}

/** The project's seed, from xtask. */
function seedProjects() {
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
}

const startup = { version }
if (seamsSeed) {
  Object.assign(startup, await seedSeams())
} else {
  seedProjects()
}

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
  if (path === '/_conformance/next_action_attempt' && seamsSeed) {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      nextActionAttempt = JSON.parse(body || 'null')
      res.setHeader('content-type', 'application/json')
      res.end('{"ok":true}')
    })
    return
  }
  counts[path] = (counts[path] ?? 0) + 1
  for (const handler of handlers) handler.call(server, req, res)
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address()
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${port}`, ...startup }) + '\n')
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
