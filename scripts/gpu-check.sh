#!/usr/bin/env bash
# The GPU path of issue 13, end to end, in one command (about 7 minutes on an H100/H200):
#
#   scripts/gpu-check.sh [--dry-run] [--carried] [--only STAGE[,STAGE...]]
#
# Stages, each with its own time limit, each run even when an earlier one failed; figures are printed as they come
# and collected in $OUT/gpu-check/summary.md (or a temporary folder when $OUT is unset):
#   engine-7b    the TypeScript engine (tokenising, sampler, IPC, parsing) over the PyTorch backend on a
#                Dream-7B-shaped model (random bf16 weights drawn on the GPU): sentences/s with the threshold schedule
#                on PhoNER-length sentences, the seed's literal settings for the ratio, GPU memory, event-loop lag
#   finetune-7b  dnw.dream.finetune's loop on the same shape: LoRA step over 16 examples of ~400 tokens, 1,000 x 2 epochs
#   pipeline     a 0.5B Dream-shaped checkpoint: fine-tuned briefly (LoRA), exported to ONNX (float16), parity of
#                the export (onnxruntime, CPU) against PyTorch on the GPU, then the engine on the fine-tuned checkpoint
#   pytest-gpu   training/tests marked `gpu` (export, fine-tune and reference sampler on CUDA)
# --dry-run runs the same code paths at toy size on the CPU (how the script is checked before a GPU is lent).
#
# A machine without Node (the usual GPU box) runs the engine from dist/gpu-carry, which `scripts/gpu-carry.sh`
# prepares: a Node binary from the npm registry and an esbuild bundle of the engine benchmark. Pass it as a carry path.
# --carried runs as such a machine would: from a copy of the tracked files and dist/gpu-carry, without node_modules,
# on the carried Node (dry-run with it before a GPU run: a bundle that needs node_modules fails here, not there).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# One stage, run as this script again (`__stage NAME`) in a process group of its own, so that its time limit stops
# the whole of it; the settings below travel in the environment.
if [ "${1:-}" = __stage ]; then
  set -e
  trap 'kill $(jobs -p) 2> /dev/null || true' EXIT
  bench() { if [ -n "$NODE_BIN" ]; then "$NODE_BIN" dist/gpu-carry/engine/bench-engine.js "$@"; else node --import tsx bench/engine.ts "$@"; fi; }
  case $2 in
    engine-7b)
      "$PY" -m dnw.dream.dream_shaped --size "$BIG" --out "$WORK/big" --no-weights
      "$PY" -m dnw.dream.torch_package --checkpoint "$WORK/big" --out "$WORK/big-pkg" --random-init --labels "$LABELS"
      # A random model is never confident: under the threshold schedule every sentence takes all 3 steps (the trained
      # embedded model takes 1.2-1.8 on PhoNER), so this is the slow end of that schedule.
      # GPU memory as the driver sees it (the worker's whole process), sampled every 200 ms while the engine runs.
      command -v nvidia-smi > /dev/null && { nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$WORK/memory.log" & }
      bench --package "$WORK/big-pkg" --data "$WORK/sentences.jsonl" --max-words 0 --sentences "$SENTENCES" --warmup 64 \
        --only gpu --max-rows 64 --max-tokens 16384
      if [ -s "$WORK/memory.log" ]; then
        echo "{\"gpu_memory_peak_mib\": $(sort -n "$WORK/memory.log" | tail -1), \"rows_per_forward_max\": 64}"
      fi
      # The seed's literal settings (512 steps, a forward at each) on a few sentences, for the ratio (not in dry runs:
      # 512 forwards of even a toy model take minutes on a CPU).
      [ "$LITERAL" = 0 ] || bench --package "$WORK/big-pkg" --data "$WORK/sentences.jsonl" --max-words 0 --sentences "$LITERAL" \
        --only reference-literal --max-rows 64 --max-tokens 65536 ;;
    finetune-7b)
      "$PY" -m dnw.dream.gpu_bench_finetune $FT_ARGS ;;
    pipeline)
      "$PY" -m dnw.dream.dream_shaped --size "$SMALL" --out "$WORK/small" --device "$DEVICE"
      "$PY" -c "import sys; from dnw.tagger.synthetic import write_synthetic; write_synthetic(sys.argv[1], 256, 16)" "$WORK/data"
      "$PY" -m dnw.dream.finetune --checkpoint "$WORK/small" --data "$WORK/data/train.jsonl" --out "$WORK/small-ft" \
        --max-steps "$FT_STEPS" --batch-size 8 --grad-accum 2 --device "$DEVICE" --checkpoint-every 0
      "$PY" -m dnw.dream.export_dream --checkpoint "$WORK/small-ft" --out "$WORK/small-onnx" $EXPORT_ARGS
      "$PY" -m dnw.oracle.export_parity --checkpoint "$WORK/small-ft" --package "$WORK/small-onnx" --device "$DEVICE" \
        --dtype "$PARITY_DTYPE" --batch 2 --seq 251 --min-agree 0.95
      "$PY" -m dnw.dream.torch_package --checkpoint "$WORK/small-ft" --out "$WORK/small-pkg" --labels "$LABELS"
      bench --package "$WORK/small-pkg" --data "$WORK/sentences.jsonl" --max-words 0 --sentences 64 --only gpu --max-rows 64 ;;
    pytest-gpu)
      "$PY" -m pytest training/tests -m gpu -q -p no:cacheprovider ;;
  esac
  exit 0
fi

dry=0 only="" args=("$@")
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=1 ;;
    --carried) export GPU_CHECK_USE_CARRY=1 ;;
    --only) only=$2; shift ;;
    *) sed -n '2,21p' "$0"; exit 2 ;;
  esac
  shift
done

PY=${WORKBENCH_PYTHON:-}
[ -z "$PY" ] && [ -x .venv/bin/python ] && PY=$root/.venv/bin/python
[ -z "$PY" ] && PY=python3

if [ -n "${GPU_CHECK_USE_CARRY:-}" ] && [ -z "${GPU_CHECK_COPY:-}" ] && [ -d .git ]; then
  copy=$(mktemp -d)
  git ls-files -z | xargs -0 cp --parents -t "$copy" 2> /dev/null
  cp -r --parents dist/gpu-carry "$copy"
  GPU_CHECK_COPY=1 WORKBENCH_PYTHON=$PY "$copy/scripts/gpu-check.sh" "${args[@]}"
  rc=$?
  rm -rf "$copy"
  exit $rc
fi

out=${OUT:-$(mktemp -d)}/gpu-check
mkdir -p "$out"
export WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
summary=$out/summary.md

export PY WORKBENCH_PYTHON=$PY PYTHONPATH=$root/training${PYTHONPATH:+:$PYTHONPATH}
# pytest is not on every GPU box: gpu-carry.sh brings it.
"$PY" -c 'import pytest' 2>/dev/null || export PYTHONPATH=$PYTHONPATH:$root/dist/gpu-carry/pylib

# The engine: from the sources with tsx where the repository is installed, else the carried bundle and Node.
export NODE_BIN=""
if [ -n "${GPU_CHECK_USE_CARRY:-}" ] || ! command -v node >/dev/null || [ ! -d node_modules/tsx ]; then
  NODE_BIN=$(command -v node || true)
  if [ -z "$NODE_BIN" ] || [ -n "${GPU_CHECK_USE_CARRY:-}" ]; then
    xz -dc dist/gpu-carry/node.xz > "$WORK/node" && chmod +x "$WORK/node" && NODE_BIN=$WORK/node
  fi
fi

export LABELS=PATIENT_ID,NAME,AGE,GENDER,JOB,LOCATION,ORGANIZATION,DATE,SYMPTOM_AND_DISEASE,TRANSPORTATION
if [ $dry = 1 ]; then
  export BIG=tiny SMALL=tiny DEVICE=cpu SENTENCES=16 LITERAL=0 FT_ARGS="--tiny --steps 3" FT_STEPS=2 EXPORT_ARGS="" PARITY_DTYPE=float32
  limits=(400 300 900 300)
else
  export BIG=7b SMALL=0.5b DEVICE=cuda SENTENCES=1280 LITERAL=2 FT_ARGS="--steps 20" FT_STEPS=8 EXPORT_ARGS="--dtype float16" PARITY_DTYPE=float16
  limits=(150 100 130 60)
fi

{
  echo "# GPU check, $(date -u +%Y-%m-%dT%H:%MZ)$([ $dry = 1 ] && echo ' (dry run: toy sizes on the CPU)')"
  echo
  echo '```'
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  "$PY" -c 'import torch, transformers, sys; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "transformers", transformers.__version__)'
  echo "node $(${NODE_BIN:-node} --version 2>/dev/null || echo missing)$([ -n "$NODE_BIN" ] && echo ' (carried bundle)' || echo ' (sources, tsx)')"
  echo "$(nproc) CPU cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo '```'
} | tee "$summary"

# PhoNER-length sentences (mean 36 syllables, as PhoNER_COVID19's test split) from the project's own synthetic
# templates: no corpus travels to the GPU machine.
"$PY" - "$WORK/sentences.jsonl" <<'EOF'
import json, sys
from dnw.tagger.synthetic import synthetic_records
records = synthetic_records(4000, seed=5)
with open(sys.argv[1], "w", encoding="utf8") as f:
    for a, b in zip(records[::2], records[1::2]):
        f.write(json.dumps({"words": (a.text + " " + b.text).split()}, ensure_ascii=False) + "\n")
EOF

failed=()
# stage NAME SECONDS: runs the stage in a process group of its own, stopped whole at the time limit (a Python or
# nvidia-smi process it leaves behind must not hold the check up), its output in $out/NAME.log and on stdout.
stage() {
  local name=$1 limit=$2
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then return; fi
  echo; echo "## $name (limit ${limit} s)" | tee -a "$summary"
  local started=$SECONDS
  : > "$out/$name.log" # before the tailer starts: the stage's own redirect may come later
  setsid "$0" __stage "$name" >> "$out/$name.log" 2>&1 &
  local pid=$!
  tail -f --pid=$pid "$out/$name.log" &
  local tailer=$!
  ( sleep "$limit"; kill -TERM -- -$pid 2> /dev/null; sleep 10; kill -KILL -- -$pid 2> /dev/null ) &
  local watchdog=$!
  wait $pid
  local rc=$?
  kill $watchdog 2> /dev/null
  kill -KILL -- -$pid 2> /dev/null
  wait $tailer 2> /dev/null
  [ $((SECONDS - started)) -ge "$limit" ] && echo "$name: stopped at its limit" | tee -a "$summary"
  echo "$name: exit $rc after $((SECONDS - started)) s" | tee -a "$summary"
  [ "$rc" = 0 ] || failed+=("$name")
  # The figures: table rows and JSON objects.
  grep -E '^\||^\{' "$out/$name.log" >> "$summary" || true
}

stage engine-7b "${limits[0]}"
stage finetune-7b "${limits[1]}"
stage pipeline "${limits[2]}"
stage pytest-gpu "${limits[3]}"

echo
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED stages: ${failed[*]} (logs in $out)" | tee -a "$summary"; exit 1; fi
echo "all stages passed; summary in $summary" | tee -a "$summary"
