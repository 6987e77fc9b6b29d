#!/bin/bash
# The active-learning simulation behind bench/RESULTS.md ("Active learning"): the seed model first (both cores),
# then one process per strategy (one core each), all resumable. Results and logs (*.log) go to OUT.
#   bash bench/simulate.sh [OUT]   # default: workbench simulate's own, DATA/simulations/simulation, where the
#                                  # Models view draws it (DATA: $WORKBENCH_DATA, else the Linux data folder)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${WORKBENCH_DATA:-${XDG_CONFIG_HOME:-$HOME/.config}/Diffusion NER Workbench}
OUT=${1:-$DATA/simulations/simulation}
STRATEGIES=${STRATEGIES:-"random entropy-mean margin entropy-total"}
mkdir -p "$OUT"
W=(node bin/workbench.js simulate --out "$OUT" --seed 1)
first=${STRATEGIES%% *}
"${W[@]}" --strategies "$first" --rounds 0 --threads 1 >> "$OUT/seed.log" 2>&1
for s in $STRATEGIES; do
  "${W[@]}" --strategies "$s" --threads 1 >> "$OUT/$s.log" 2>&1 &
done
wait
"${W[@]}" --strategies "$(echo $STRATEGIES | tr ' ' ',')" --threads 2 >> "$OUT/summary.log" 2>&1
