#!/usr/bin/env bash
# One command from a fresh Debian machine to a result: set up, then open the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tiny.en
if [ -t 0 ] && [ -t 1 ]; then
    echo "==> asrlens explore assets/sense-and-sensibility-0870.wav   (q quits, ? lists the keys)"
    exec .build/release/asrlens explore assets/sense-and-sensibility-0870.wav
else
    echo "==> not a terminal: transcribing the sample instead of opening the explorer"
    .build/release/asrlens transcribe --json assets/sense-and-sensibility-0870.wav
fi
