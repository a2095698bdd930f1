#!/bin/sh
# Runs a command under Node 22 or newer. These machines ship Node 20 (out of support): then Node 24
# comes from the npm registry (the package `node` carries the runtime), installed once into a cache,
# and the command runs with it first on PATH. With Node 22 or 24 on PATH, this does nothing.
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 22 ]; then
  prefix="${EDGEFLEET_NODE_PREFIX:-$HOME/.cache/edgefleet/node24}"
  if [ ! -x "$prefix/bin/node" ]; then
    echo "Node $(node --version 2>/dev/null || echo '(none)') is older than 22: installing Node 24 from the npm registry into $prefix, once." >&2
    npm install -g --prefix "$prefix" --no-audit --no-fund --loglevel=error node@24 >/dev/null || exit 1
  fi
  echo "Running under Node $("$prefix/bin/node" --version) from $prefix (the node on PATH is $(node --version))." >&2
  PATH="$prefix/bin:$PATH"
  export PATH
fi
exec "$@"
