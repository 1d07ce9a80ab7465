#!/usr/bin/env bash
# The explorer's benchmark (not a test), measured where the user looks:
#  1. headless: `asrlens bench-explorer` renders every view at 200x60 and times keys;
#  2. in a real terminal (a 200x60 tmux pane):
#     - the first screen: from starting `asrlens explore` to the transcript on the pane, beside
#       `asrlens transcribe` of the same clip, whole commands, in the same run;
#     - keys that need no compute, typed 30 ms apart;
#     - patch toggles: an encoder patch at the first and at the last layer, a decoder patch, undo
#       to no patch, and a re-toggle of a set computed before. The explorer logs each key's time
#       from being read to the first frame on the terminal that shows its result, and the time
#       the engine took for that patch set (ASRLENS_KEY_LATENCY_LOG).
# Usage: scripts/bench-explorer.sh [MODEL] [CLIP]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-tiny.en}
clip=${2:-assets/sense-and-sensibility-0870.wav}
. scripts/tmux-pane.sh
now() { date +%s.%N; }
log="$work/keys.log"

echo "== headless"
"$bin" bench-explorer --model "$model" "$clip"

echo "== first screen, whole commands (3 runs each, alternating)"
for round in 1 2 3; do
  t0=$(now); "$bin" transcribe --model "$model" "$clip" > /dev/null; t1=$(now)
  echo "transcribe $(python3 -c "print(f'{$t1 - $t0:.3f}')")" >> "$work/first.txt"
  t kill-server 2>/dev/null || true
  t0=$(now)
  pane_start 200 60 "env -u NO_COLOR LANG=C.UTF-8 $bin explore --model $model $clip"
  # Polled every 50 ms (the figure's resolution): each capture-pane is a process and a tmux round
  # trip, and polling every 10 ms took enough of the 2 cores to slow the explorer by a second.
  for _ in $(seq 1 1200); do t capture-pane -t p -p | grep -qF " text: " && break; sleep 0.05; done
  t1=$(now)
  echo "explore $(python3 -c "print(f'{$t1 - $t0:.3f}')")" >> "$work/first.txt"
  t send-keys -t p q; sleep 0.3; t kill-server 2>/dev/null || true
done
python3 - "$work/first.txt" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
get = lambda k: [float(v) for n, v in rows if n == k]
tr, ex = get("transcribe"), get("explore")
print(f"transcribe {statistics.median(tr):.2f} s (runs {', '.join(f'{x:.2f}' for x in tr)}); "
      f"explorer's transcript on screen {statistics.median(ex):.2f} s (runs {', '.join(f'{x:.2f}' for x in ex)}); "
      f"difference {statistics.median(ex) - statistics.median(tr):+.2f} s (target <= +1 s)")
PY

echo "== in tmux (200x60, tmux-256color)"
pane_start 200 60 "env -u NO_COLOR LANG=C.UTF-8 ASRLENS_KEY_LATENCY_LOG=$log $bin explore --model $model $clip"
wait_for ' text: '
sleep 2   # the lens and encoder lens fill in
: > "$log"
for view in 2 4 5; do
  press "$view"
  for _ in $(seq 1 30); do
    case $view in 2) press l h ;; 4) press '>' '<' ;; 5) press l h ;; esac
  done
done
for _ in $(seq 1 20); do press Tab; done
sleep 0.5
cp "$log" "$work/nav.log"

# One measured key: clear the log, press, wait for its line.
measure() {  # label, key
  : > "$log"
  t send-keys -t p "$2"
  for _ in $(seq 1 3000); do [ -s "$log" ] && break; sleep 0.01; done
  echo "$1 $(tr -d '\0' < "$log" | tail -1)" >> "$work/toggles.txt"
}
press 5 H w
sleep 0.3
for round in 1 2 3; do
  measure "encoder-first-layer" Space      # enc.0.resid_post on the word
  measure "undo-to-no-patch" u
  press + + +; sleep 0.2
  measure "encoder-last-layer" Space       # enc.3.resid_post on the word
  measure "undo-to-no-patch" u
  press - - -; sleep 0.2
  measure "re-toggle-computed-set" Space   # enc.0 again: computed in this round already
  measure "undo-to-no-patch" u
  press : ; t send-keys -t p -l "patch dec.3.cross_out@25:27=zero"; sleep 0.2
  measure "decoder-last-layer" Enter
  measure "undo-to-no-patch" u
  # Forget the computed sets for the next round: a different span each time.
  press l l l l l w; sleep 0.2
done
t send-keys -t p q q
python3 - "$work/nav.log" "$work/toggles.txt" <<'PY'
import sys, statistics
ms = sorted(float(l.split()[0]) for l in open(sys.argv[1]) if l.strip())
if not ms:
    sys.exit("bench-explorer: no key latencies were logged")
pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print(f"keys that need no compute, key -> frame on the terminal: {len(ms)} keys, median {pick(0.5):.2f} ms, "
      f"p95 {pick(0.95):.2f} ms, max {ms[-1]:.2f} ms (target <= 20 ms)")
rows = {}
for line in open(sys.argv[2]):
    label, key_ms, run_ms = line.split()
    rows.setdefault(label, []).append((float(key_ms), float(run_ms)))
print(f"{'toggle (key -> result on screen)':34} {'key->screen ms':>28} {'engine ms':>22} {'over engine':>12}  target")
for label, vals in rows.items():
    keys = [k for k, _ in vals]; runs = [r for _, r in vals]; over = [k - r for k, r in vals]
    target = "<= 16 ms" if label in ("undo-to-no-patch", "re-toggle-computed-set") else "<= engine + 16 ms"
    print(f"{label:34} {', '.join(f'{k:.1f}' for k in keys):>28} {', '.join(f'{r:.1f}' for r in runs):>22} "
          f"{max(over):>10.1f}  {target}")
PY
