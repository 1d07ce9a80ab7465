#!/usr/bin/env bash
# One command from a fresh Debian machine to a full test run: set up, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tiny.en base
echo "==> swift test (release build; real models, real audio)"
swift test -c release ${ASRLENS_BUILD_FLAGS:-}
