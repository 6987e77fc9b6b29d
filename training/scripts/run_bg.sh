#!/usr/bin/env bash
# Starts a training run in the background, niced, logs to training/runs/logs/NAME.out, pid in NAME.pid.
# Usage: training/scripts/run_bg.sh training/configs/X.toml [nproc]   (nproc > 1: torchrun DDP, gloo)
# Re-running it on the same config resumes from the run folder's last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."
config="$1"
nproc="${2:-1}"
name="$(basename "$config" .toml)"
mkdir -p training/runs/logs
py=.venv/bin/python
if [ "$nproc" -gt 1 ]; then
  cmd=("$py" -m torch.distributed.run --standalone --nproc_per_node "$nproc" -m dnw.tagger.train --config "$config")
else
  cmd=("$py" -m dnw.tagger.train --config "$config")
fi
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" nohup nice -n "${NICE:-10}" "${cmd[@]}" >> "training/runs/logs/$name.out" 2>&1 &
echo $! > "training/runs/logs/$name.pid"
echo "started $name (pid $!), log training/runs/logs/$name.out"
