#!/usr/bin/env bash
# Peak memory of `asrlens transcribe` on a one-hour 16 kHz WAV (not a test): 103 copies of the
# six bundled clips joined with sox (3,624.6 s), transcribed with --stats (peak_rss_mb).
# Usage: scripts/bench-long-file.sh [MODEL]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-tiny.en}
bin=.build/release/asrlens
[ -x "$bin" ] || swift build -c release
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
a=assets/sense-and-sensibility
sox $a-0870.wav $a-0890.wav $a-0930.wav $a-0870.wav $a-0870.wav $a-0890.wav "$work/six.wav"
sox $(for _ in $(seq 1 103); do echo "$work/six.wav"; done) "$work/hour.wav"
echo "clip: $(soxi -D "$work/hour.wav") s, $(du -m "$work/hour.wav" | cut -f1) MB"
start=$(date +%s)
"$bin" transcribe --model "$model" --stats "$work/hour.wav" > "$work/text.txt"
echo "transcribed in $(( $(date +%s) - start )) s, $(wc -w < "$work/text.txt") words (target: peak_rss_mb under 400)"
# The analysis commands read one 30 s window of it (issue 13): here the window from 30 minutes.
/usr/bin/time -f '%M' -o "$work/rss" "$bin" encoder-lens --model "$model" --offset 1800 "$work/hour.wav" > /dev/null 2> "$work/err" || { cat "$work/err"; exit 1; }
echo "encoder-lens --offset 1800: peak RSS $(( $(cat "$work/rss") / 1024 )) MB (the whole file's samples alone would be 230 MB)"
