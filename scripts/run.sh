#!/usr/bin/env bash
# One command from a fresh Debian machine to a result: set up, then open the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tiny.en
echo "==> asrlens transcribe assets/sense-and-sensibility-0870.wav"
.build/release/asrlens transcribe --json assets/sense-and-sensibility-0870.wav
