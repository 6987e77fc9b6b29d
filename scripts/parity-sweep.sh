#!/usr/bin/env bash
# Engine vs PyTorch reference on a tiny Qwen2 of any size and seed, over the sampler configurations the engine issue
# names (each alg at temperature 0, alg_temp > 0, sampling with top-p, origin, threshold), on a prompts file of your
# own: every token and every forward-pass count must be equal (docs/engine.md, "Checking parity yourself").
#
#   scripts/parity-sweep.sh LAYERS HIDDEN SEED [PROMPTS.json] [-- EXTRA SAMPLER ARGS, e.g. --steps 8 --max-new-tokens 32]
#
# PROMPTS.json: a list of texts or {"batches": [[text, ...], ...]} (default: the parity fixture's prompts).
# Exits 1 on any mismatch. Models and outputs go to a temporary folder that is removed afterwards.
# BACKEND=pytorch runs the engine on the PyTorch backend (dnw.dream.torch_worker over the same checkpoint) instead of the
# ONNX graph.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { sed -n '2,9p' "$0"; exit 2; }
layers=$1 hidden=$2 seed=$3
shift 3
prompts=$(realpath test/fixtures/tiny-model/prompts.json)  # absolute: the reference runs from training/
if [ $# -gt 0 ] && [ "$1" != "--" ]; then prompts=$(realpath "$1"); shift; fi
[ "${1:-}" = "--" ] && shift
extra=("$@")
python=${WORKBENCH_PYTHON:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd training && "../$python" -m dnw.dream.tiny_qwen2 --layers "$layers" --hidden "$hidden" --seed "$seed" --out "$work/model" > "$work/build.log" 2>&1) \
  || { cat "$work/build.log"; exit 1; }
engine_package="$work/model/package"
if [ "${BACKEND:-onnxruntime}" = pytorch ]; then
  engine_package="$work/model/torch-package"
  (cd training && "../$python" -m dnw.dream.torch_package --checkpoint "$work/model/checkpoint" --out "$engine_package" \
    --from-package "$work/model/package" > "$work/build.log" 2>&1) || { cat "$work/build.log"; exit 1; }
fi
failed=0
while read -r config; do
  read -ra args <<< "$config"
  (cd training && "../$python" -m dnw.oracle.reference_sampler --package "$work/model/package" --prompts "$prompts" "${args[@]}" "${extra[@]}" \
    --out "$work/reference.json" > "$work/reference.log" 2>&1) || { cat "$work/reference.log"; exit 1; }
  node --import tsx scripts/engine-generate.ts --package "$engine_package" --prompts "$prompts" "${args[@]}" "${extra[@]}" \
    --out "$work/engine.json" > "$work/engine.log" 2>&1 || { cat "$work/engine.log"; exit 1; }
  "$python" - "$work/reference.json" "$work/engine.json" "$config" "$(tail -n 1 "$work/reference.log")" <<'EOF' || failed=1
import json, sys
reference, engine = (json.load(open(path))["runs"][0]["batches"] for path in sys.argv[1:3])
rows = [(r, e) for rb, eb in zip(reference, engine) for r, e in zip(rb["tokens"], eb["tokens"])]
differ = sum(r != e for r, e in rows) + sum(rb["forwards"] != eb["forwards"] for rb, eb in zip(reference, engine))
margin = sys.argv[4].rsplit("(", 1)[-1].rstrip(")")
print(f"{'ok  ' if differ == 0 else 'FAIL'} {sys.argv[3]:<58} {len(rows)} prompts, {differ} differing; {margin}")
sys.exit(1 if differ else 0)
EOF
done <<'CONFIGS'
--alg maskgit_plus
--alg topk_margin
--alg entropy
--alg maskgit_plus --alg-temp 0.5
--alg entropy --alg-temp 0.5
--alg maskgit_plus --temperature 0.7 --top-p 0.9
--alg entropy --temperature 0.2 --top-p 0.95 --top-k 20
--alg origin --temperature 1.0
--alg topk_margin --schedule threshold --threshold 0.5
CONFIGS
exit $failed
