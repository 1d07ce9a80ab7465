#!/usr/bin/env bash
# The explorer's benchmark (not a test): frame render time per view and keypress-to-frame time.
#  1. headless: `asrlens bench-explorer` renders every view at 200x60 and times keys;
#  2. in a real terminal: the explorer runs in a 200x60 tmux pane, 240 keys that need no
#     compute are typed 30 ms apart, and the explorer logs each key's time from read to the
#     frame written to the terminal (ASRLENS_KEY_LATENCY_LOG).
# Usage: scripts/bench-explorer.sh [MODEL] [CLIP]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-tiny.en}
clip=${2:-assets/sense-and-sensibility-0870.wav}
. scripts/tmux-pane.sh

echo "== headless"
"$bin" bench-explorer --model "$model" "$clip"

echo "== in tmux (200x60, tmux-256color)"
pane_start 200 60 "env -u NO_COLOR LANG=C.UTF-8 ASRLENS_KEY_LATENCY_LOG=$work/keys.log $bin explore --model $model $clip"
wait_for '[1 Transcript]'
: > "$work/keys.log"
for view in 2 4 5; do
  press "$view"
  for _ in $(seq 1 30); do
    case $view in 2) press l h ;; 4) press '>' '<' ;; 5) press l h ;; esac
  done
done
for _ in $(seq 1 20); do press Tab; done
sleep 0.5
t send-keys -t p q
python3 - "$work/keys.log" <<'PY'
import sys
ms = sorted(float(x) for x in open(sys.argv[1]) if x.strip())
if not ms:
    sys.exit("bench-explorer: no key latencies were logged")
pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print(f"keypress -> frame on the terminal: {len(ms)} keys, median {pick(0.5):.2f} ms, "
      f"p95 {pick(0.95):.2f} ms, max {ms[-1]:.2f} ms (target <= 20 ms)")
PY
