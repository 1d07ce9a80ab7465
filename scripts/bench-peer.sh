#!/usr/bin/env bash
# asrlens beside its peers, in one run on one machine (a benchmark, never a test or CI step):
#   - the Python interpretability stack, PyTorch + transformers + nnsight, every patch a full
#     forward (../shared/reference/peer_bench.py), on the same model directory and clip;
#   - faster-whisper (CTranslate2) for transcription (scripts/bench.py, short and long clips).
# Prints issue 15's table for each model: patch then free-running transcript, sweep cell,
# transcription, peak memory, each with its ratio and target.
#
# Needs a venv with the peers (about 3 GB, once):
#   python3 -m venv .venv-peer && .venv-peer/bin/pip install torch transformers nnsight numpy soundfile ctranslate2 faster-whisper
# Usage: scripts/bench-peer.sh [CLIP] [MODEL...]   (default: the bundled sample; tiny.en base)
# Environment: PEER_PYTHON (default .venv-peer/bin/python), PEER_BENCH (default
# ../shared/reference/peer_bench.py), REPEATS (default 5), THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
clip=${1:-assets/sense-and-sensibility-0870.wav}
shift || true
models=(tiny.en base)
[ $# -eq 0 ] || models=("$@")
py=${PEER_PYTHON:-.venv-peer/bin/python}
peer=${PEER_BENCH:-../shared/reference/peer_bench.py}
bin=.build/release/asrlens
for need in "$py" "$peer"; do
    [ -e "$need" ] || { echo "bench-peer: $need is missing (see the header of $0 for the install line)" >&2; exit 1; }
done
[ -x "$bin" ] || swift build -c release
export REPEATS=${REPEATS:-5} THREADS=${THREADS:-2}
"$py" - "$bin" "$py" "$peer" "$clip" "${models[@]}" <<'PY'
import json, os, re, subprocess, sys, time

binary, py, peer, clip, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
repeats, threads = os.environ["REPEATS"], os.environ["THREADS"]


def ours(*args):
    return subprocess.run([binary, *args, "--threads", threads], capture_output=True, text=True, check=True)


def timed(*args):
    t0 = time.perf_counter()
    out = ours(*args)
    return time.perf_counter() - t0, out


for model in models:
    engine = json.loads(ours("bench-engine", "--model", model, "--repeats", repeats, "--json", clip).stdout)
    a, b = map(int, re.search(r"@(\d+):(\d+)", engine["patch"]).groups())
    sweep_s, sweep = timed("sweep", "--model", model, "--component", "resid_post", "--window", "50",
                           "--source", "zero", "--json", clip)
    cells = len(json.loads(sweep.stdout)["cells"])
    logprob_s, _ = timed("sweep", "--model", model, "--component", "resid_post", "--window", "50",
                         "--source", "zero", "--metric", "logprob", "--json", clip)
    peak = json.loads(ours("transcribe", "--model", model, "--stats", clip).stderr.strip().splitlines()[-1])["peak_rss_mb"]
    windows = cells // len(engine["work"]["encoderBlocks"])   # the peer sweeps as many windows a layer
    p = subprocess.run([py, peer, clip, "--model", model, "--threads", threads, "--repeats", repeats,
                        "--patch-start", str(a), "--patch-end", str(b), "--windows", str(windows)],
                       capture_output=True, text=True, check=True)
    rows = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    timing = {r["name"]: r for r in rows if r["kind"] == "timing"}
    peer_patch = 1000 * timing["b.patch_then_greedy[last]"]["median_s"]
    peer_cell = 1000 * timing["d.encoder_sweep_total"]["per_patch_median_s"]
    peer_rss = next(r["peak_rss_mb"] for r in rows if r["kind"] == "rss")
    tx = subprocess.run([sys.executable, "scripts/bench.py", "--model", model, "--threads", threads, "--rounds", "2",
                         "--python", py, "--reference", os.path.join(os.path.dirname(peer), "fw_reference.py")],
                        capture_output=True, text=True, check=True).stdout
    ratio = dict(re.findall(r"^RATIO (\w+) ([\d.]+)", tx, re.M))
    totals = {m.group(1): (float(m.group(2)), float(m.group(3)))
              for m in re.finditer(r"^total (\w+) \(\d+ clips\)\s+([\d.]+)\s+([\d.]+)", tx, re.M)}

    print(f"\n{model}: clip {os.path.basename(clip)}, {threads} threads, OpenBLAS "
          f"{ours('--version').stdout.split('OpenBLAS ')[-1].split(' ')[0]} kernels; peer torch, median of {repeats}")
    print(f"| figure | asrlens | peer | ratio | target |\n|---|---|---|---|---|")
    print(f"| patch {engine['patch']}, then the free-running transcript | {engine['incremental']:.0f} ms "
          f"| {peer_patch:.0f} ms (nnsight) | {engine['incremental'] / peer_patch:.2f}x | <= 0.10x |")
    print(f"| sweep, resid_post, 50-frame windows, zero, {cells} cells, whole command | {1000 * sweep_s / cells:.0f} ms a cell "
          f"| {peer_cell:.0f} ms a cell (teacher-forced) | {1000 * sweep_s / cells / peer_cell:.2f}x | <= 0.35x |")
    print(f"| the same sweep, --metric logprob (the peer's work) | {1000 * logprob_s / cells:.0f} ms a cell "
          f"| {peer_cell:.0f} ms a cell | {1000 * logprob_s / cells / peer_cell:.2f}x | <= 0.35x |")
    for group in ("short", "long"):
        if group in totals:
            o, r = totals[group]
            print(f"| transcribe, {group} clips (scripts/bench.py) | {o:.2f} s | faster-whisper {r:.2f} s | {ratio[group]}x | <= 0.9x |")
    print(f"| peak memory, transcribe | {peak:.0f} MiB | peer process {peer_rss:.0f} MB | | <= 200 MiB (tiny.en) |")
PY
