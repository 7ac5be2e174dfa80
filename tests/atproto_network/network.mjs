// A real local AT Protocol network for the Bluesky connector's tests (issue 14): a PLC directory, a
// PDS and the Bluesky App View from @atproto/dev-env, on our PostgreSQL and Redis.
//
// Run with the Node 22 that scripts/atproto-network-setup.sh installs (node_modules/.bin/node):
//   ATPROTO_DB_URL=postgres://postgres@127.0.0.1:5432/atproto_test ATPROTO_DB_SCHEMA=cs1 \
//   REDIS_HOST=127.0.0.1:6379 node_modules/.bin/node network.mjs
//
// When ready it prints one JSON line on stdout: {"ready": true, "pds_url": ..., "plc_url": ..., ...}.
// It then reads commands, one a line, on stdin and answers each with one JSON line:
//   sync   -> waits until the App View has indexed everything the PDS has written ({"synced": true})
// On SIGTERM, SIGINT or the end of stdin it stops the network, drops its schemas and exits 0.
// Everything else it has to say goes to stderr.
import pg from 'pg'
import { TestNetwork } from '@atproto/dev-env'

const dbUrl = process.env.ATPROTO_DB_URL || 'postgres://postgres@127.0.0.1:5432/atproto_test'
const schema = process.env.ATPROTO_DB_SCHEMA || 'cs'
process.env.REDIS_HOST = process.env.REDIS_HOST || '127.0.0.1:6379'

// dev-env's services take only letters and underscores in a schema's name.
if (!/^[a-z_]{1,40}$/.test(schema)) {
  throw new Error(`ATPROTO_DB_SCHEMA must be lowercase letters and underscores, not ${schema}`)
}
// dev-env names its schemas from ours; a run starts and ends with none of them left over.
const schemas = [`appview_${schema}`, `bsync_${schema}`, `ozone_${schema}`]

const log = (...args) => console.error('[atproto-network]', ...args)
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

async function ensureDatabase() {
  const url = new URL(dbUrl)
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''))
  const admin = new URL(dbUrl)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  await client.connect()
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (found.rowCount === 0) {
      log(`creating database ${name}`)
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
    }
  } finally {
    await client.end()
  }
}

async function dropSchemas() {
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  } finally {
    await client.end()
  }
}

const started = Date.now()
await ensureDatabase()
await dropSchemas()
const network = await TestNetwork.create({ dbPostgresUrl: dbUrl, dbPostgresSchema: schema })

let stopping = null
function stop(reason) {
  if (stopping) return stopping
  log(`stopping (${reason})`)
  stopping = (async () => {
    try {
      await network.close()
    } catch (err) {
      log('error while closing', err)
    }
    try {
      await dropSchemas()
    } catch (err) {
      log('error while dropping schemas', err)
    }
    process.exit(0)
  })()
  return stopping
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))

let queue = Promise.resolve()
let buffer = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => {
  buffer += chunk
  let nl
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const command = buffer.slice(0, nl).trim()
    buffer = buffer.slice(nl + 1)
    if (command) queue = queue.then(() => handle(command))
  }
})
process.stdin.on('end', () => queue.then(() => stop('end of stdin')))

async function handle(command) {
  try {
    if (command === 'sync') {
      await network.processAll()
      say({ synced: true })
    } else {
      say({ error: `unknown command ${command}` })
    }
  } catch (err) {
    say({ error: String(err?.message || err) })
  }
}

say({
  ready: true,
  pds_url: network.pds.url,
  plc_url: network.plc.url,
  appview_url: network.bsky.url,
  node: process.version,
  seconds: (Date.now() - started) / 1000,
})
