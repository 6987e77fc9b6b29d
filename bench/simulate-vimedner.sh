#!/bin/bash
# The active-learning simulation on ViMedNER (issue 12). The embedded model (v2) has ViMedNER's labels, so the models
# take its tokenizer and output vocabulary, and the seed model is trained from scratch (600 steps, none of v2's
# weights), then fine-tuned round by round; add --own-labels to train as `workbench train` does for a schema the
# embedded model lacks.
# Three seeds (1, 2, 3) of random, entropy-total and entropy-total-cost: a seed model of 100 sentences, then 9 rounds
# of 100 (1,000 sentences). Each seed's seed model first (both cores), then one process per strategy (one core each),
# all resumable: run it again and it goes on where it stopped. Results and logs (*.log) go to OUT/seed-N.
#   bash bench/simulate-vimedner.sh [OUT] [EXTRA simulate OPTIONS...]   # default OUT: /tmp/simulate-vimedner
# BASE=v1 bash bench/simulate-vimedner.sh OUT: the models start from embedded v1 (the embedded model until 2026-12-05,
# trained on PhoNER_COVID19 only), taken from the repository's history into OUT/v1. It lacks ViMedNER's labels, so the
# runs train as `workbench train` trains a project's model for a new schema: the seed from v1's weights with the
# labels added, each round fine-tuning the last for 10 epochs, at least 300 steps (`workbench simulate`'s default for a
# data's own labels; what a team with its own schema gets, with no leak from v2).
# Extra options go to every run after the defaults (so they override them), e.g. a quick check:
#   bash bench/simulate-vimedner.sh /tmp/sim-check --rounds 1 --seed-steps 5 --min-steps 2 --epochs 1
set -euo pipefail
cd "$(dirname "$0")/.."
VIMEDNER=../shared/data/vimedner
OUT=${1:-/tmp/simulate-vimedner}
shift || true
if [[ ! -f $VIMEDNER/train.txt || ! -f $VIMEDNER/dev.txt ]]; then
  echo "simulate-vimedner: skipped: ViMedNER is not at $VIMEDNER (train.txt, dev.txt)" >&2
  exit 0
fi
MODEL=()
if [[ ${BASE:-v2} == v1 ]]; then
  V1_COMMIT=1ce6a4d84aed9e496b00116122ad0621eeba8125 # the parent of "Embedded model v2"
  [[ -f $OUT/v1/assets/model/manifest.json ]] || { mkdir -p "$OUT/v1" && git archive "$V1_COMMIT" assets/model | tar -x -C "$OUT/v1"; }
  MODEL=(--model "$OUT/v1/assets/model")
fi
STRATEGIES=${STRATEGIES:-"random entropy-total entropy-total-cost"}
SEEDS=${SEEDS:-"1 2 3"}
first=${STRATEGIES%% *}
for seed in $SEEDS; do
  out="$OUT/seed-$seed"
  mkdir -p "$out"
  W=(node bin/workbench.js simulate --train "$VIMEDNER/train.txt" --dev "$VIMEDNER/dev.txt" --format conll
    --skip-invalid --seed "$seed" --seed-size 100 --step 100 --rounds 9 --out "$out" ${MODEL[@]+"${MODEL[@]}"})
  echo "simulate-vimedner: seed $seed -> $out" >&2
  "${W[@]}" --strategies "$first" --threads 2 "$@" --rounds 0 >> "$out/seed.log" 2>&1
  for s in $STRATEGIES; do
    "${W[@]}" --strategies "$s" --threads 1 "$@" >> "$out/$s.log" 2>&1 &
  done
  wait
  "${W[@]}" --strategies "$(echo $STRATEGIES | tr ' ' ',')" --threads 2 "$@" >> "$out/summary.log" 2>&1
done
