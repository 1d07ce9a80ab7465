#!/usr/bin/env bash
# One command from a fresh Debian machine to a full test run: set up, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tiny.en base
# The in-process tests run the kernels the CLI runs (Sources/Model/Tensor/BLASCore.swift).
core=$(.build/release/asrlens --version | sed -n 's/.*(OpenBLAS \(.*\) kernels).*/\1/p')
[ -z "$core" ] || export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$core}
echo "==> swift test (release build; real models, real audio)"
swift test -c release ${ASRLENS_BUILD_FLAGS:-}
