#!/usr/bin/env bash
# Sets up asrlens on a fresh Debian machine: system packages, a release build, and models.
# Usage: scripts/setup.sh [MODEL...]   (default: tiny.en)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
    pkg-config libsndfile1-dev libopusfile-dev libopenblas-dev libsoxr-dev zlib1g-dev libncurses-dev libssl-dev libzip-dev
    ncurses-term pocketsphinx-testdata espeak-ng sox tmux
    flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts wamerican
    slurm-wlm munge
)
echo "==> system packages: ${packages[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
if ! python3 -m pip --version >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
fi

echo "==> release build"
swift build -c release ${ASRLENS_BUILD_FLAGS:-}

models=("$@")
if [ ${#models[@]} -eq 0 ]; then models=(tiny.en); fi
echo "==> models: ${models[*]}"
.build/release/asrlens models install "${models[@]}"
