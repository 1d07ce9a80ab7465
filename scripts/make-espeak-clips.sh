#!/usr/bin/env bash
# Regenerates the espeak-ng test clips in Tests/Fixtures/espeak/.
# Requires: espeak-ng (1.51), sox (14.4.2).  Run from anywhere.
# Each clip: espeak-ng writes a 22.05 kHz WAV, sox converts it to 16 kHz mono 16-bit PCM.
# sox -R (repeatable mode) fixes the seed of the TPDF dither that sox adds automatically
# when resampling to 16-bit; without it every run produces slightly different samples.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/Tests/Fixtures/espeak"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

# name | espeak-ng options | text
make_clip() {
    local name="$1" opts="$2" text="$3"
    # shellcheck disable=SC2086
    espeak-ng $opts -w "$TMP/$name.wav" "$text"
    sox -R "$TMP/$name.wav" -r 16000 -c 1 -b 16 "$OUT/$name.wav"
    echo "$OUT/$name.wav"
}

make_clip espeak-01-fox     ""          "The quick brown fox jumps over the lazy dog."
make_clip espeak-02-stella  "-v en+f3"  "Please call Stella and ask her to bring these things with her from the store."
make_clip espeak-03-slow    "-s 130"    "Artificial intelligence is changing the way we work."
make_clip espeak-04-numbers ""          "There are 365 days in a year and 24 hours in a day."
