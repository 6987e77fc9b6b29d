#!/usr/bin/env bash
# Scores a model package as the embedded model is scored, through the CLI contract (`workbench annotate` +
# `workbench eval`, 2 threads): PhoNER_COVID19 test (syllable level) through a project with PhoNER's ten labels, and
# ViMedNER test through a project with ViMedNER's five; with --raw also PhoNER test with every label the model writes
# (no project). Each project decodes with its own labels (docs/labels.md), as a team's project would.
#   bash bench/embedded-model.sh [PACKAGE (default assets/model)] [OUT (default a temp folder)] [--raw]
# Needs ../shared/data/{phoner_covid19,vimedner}; prints one JSON line per score (and keeps the predictions in OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=${1:-assets/model}
OUT=${2:-$(mktemp -d)}
RAW=${3:-}
DATA=../shared/data
for f in "$DATA/phoner_covid19/test_syllable.jsonl" "$DATA/vimedner/test.txt"; do
  [ -f "$f" ] || { echo "bench/embedded-model.sh: $f is missing (the corpora live in ../shared/data); nothing scored" >&2; exit 1; }
done
mkdir -p "$OUT"
W="node bin/workbench.js"
rm -f "$OUT/phoner.sqlite" "$OUT/vimedner.sqlite"
$W init "$OUT/phoner.sqlite" --labels PATIENT_ID,NAME,AGE,GENDER,JOB,LOCATION,ORGANIZATION,DATE,SYMPTOM_AND_DISEASE,TRANSPORTATION >/dev/null
$W init "$OUT/vimedner.sqlite" --labels ten_benh,trieu_chung_benh,nguyen_nhan_benh,bien_phap_chan_doan,bien_phap_dieu_tri >/dev/null

score() { # NAME GOLD FORMAT [annotate options...]
  local name=$1 gold=$2 format=$3 ext
  shift 3
  ext=$([ "$format" = conll ] && echo conll || echo jsonl)
  local start=$SECONDS
  $W annotate "$gold" "$OUT/$name.$ext" --format "$format" --model "$PKG" --threads 2 "$@" >"$OUT/$name.annotate.log" 2>&1
  $W eval --gold "$gold" --pred "$OUT/$name.$ext" --format "$format" >"$OUT/$name.eval"
  local micro
  micro=$(grep -m1 'micro avg' "$OUT/$name.eval" | awk '{print $3, $4, $5, $6}')
  read -r p r f support <<<"$micro"
  echo "{\"score\": \"$name\", \"package\": \"$PKG\", \"precision\": $p, \"recall\": $r, \"f1\": $f, \"support\": $support, \"seconds\": $((SECONDS - start)), \"annotate\": \"$(tail -1 "$OUT/$name.annotate.log" | sed 's/"/\\"/g')\"}"
}

score phoner-test "$DATA/phoner_covid19/test_syllable.jsonl" phoner --db "$OUT/phoner.sqlite"
score vimedner-test "$DATA/vimedner/test.txt" conll --db "$OUT/vimedner.sqlite"
if [ "$RAW" = --raw ]; then score phoner-test-all-labels "$DATA/phoner_covid19/test_syllable.jsonl" phoner; fi
