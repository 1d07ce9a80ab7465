#!/usr/bin/env bash
# The sweep benchmark (not a test): a full encoder sweep of the sample clip (every layer,
# 50-frame windows, silence) against running the same cells as separate `asrlens patch` runs,
# and the same sweep with --metric logprob (mean |Δ log-prob| only, no decoding: the work a
# teacher-forced peer does).
# Usage: scripts/bench-sweep.sh [MODEL] [CLIP]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-tiny.en}
clip=${2:-assets/sense-and-sensibility-0870.wav}
bin=.build/release/asrlens
[ -x "$bin" ] || swift build -c release
out=$(mktemp)
trap 'rm -f "$out"' EXIT
t0=$EPOCHREALTIME
"$bin" sweep --model "$model" --component resid_post --window 50 --source silence --json "$clip" > "$out"
t1=$EPOCHREALTIME
"$bin" sweep --model "$model" --component resid_post --window 50 --source silence --metric logprob --json "$clip" > /dev/null
t1b=$EPOCHREALTIME
mapfile -t patches < <(python3 -c 'import json,sys; [print(c["patch"]) for c in json.load(open(sys.argv[1]))["cells"]]' "$out")
for p in "${patches[@]}"; do "$bin" patch --model "$model" --json --patch "$p" "$clip" > /dev/null; done
t2=$EPOCHREALTIME
python3 - "$out" "$t0" "$t1" "$t2" "$t1b" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t0, t1, t2, t1b = map(float, sys.argv[2:6])
sweep, separate, logprob = t1 - t0, t2 - t1b, t1b - t1
w = d["work"]
print(f'{d["model"]}: {len(d["cells"])} cells; sweep {sweep:.1f} s (target <= 60 s), '
      f'{len(d["cells"])} separate asrlens patch runs {separate:.1f} s (ratio {sweep / separate:.2f}); '
      f'blocks evaluated {w["sweep_layers"]} vs {w["separate_layers"]} ({w["sweep_layers"] / w["separate_layers"]:.2f})')
n = len(d["cells"])
print(f'per cell: transcript metric {1000 * sweep / n:.0f} ms, logprob metric {1000 * logprob / n:.0f} ms (sweep --metric logprob, {logprob:.1f} s)')
PY
