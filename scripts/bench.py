#!/usr/bin/env python3
"""Times `asrlens transcribe` against faster-whisper on the same clips, in the same run.

Both sides run greedy, temperature 0, no timestamps, 2 threads, model loading excluded.
asrlens's per-file time includes audio decoding; faster-whisper's (fw_reference.py) does not.
Each side runs --rounds times, alternating, and the fastest time per file is kept.
Short clips (up to 8 s: the telephone prompts and sentences of pocketsphinx-testdata) and long
ones (the default adds two, the five sentences joined, 25 s, and that three times, 74 s) are
totalled apart: on short clips the padded 30-second window dominates.

    python3 scripts/bench.py [--model tiny.en] [--rounds 3] [FILES...]

Needs `.venv-ref` (python3 -m venv .venv-ref && .venv-ref/bin/pip install ctranslate2 faster-whisper)
and a release build (`swift build -c release`).
"""
import argparse, glob, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SENTENCES = sorted(glob.glob("/usr/share/pocketsphinx/test/data/librivox/*.wav"))
DEFAULT_FILES = SENTENCES + sorted(glob.glob("/usr/share/pocketsphinx/test/data/cards/*.wav"))
SHORT_SECONDS = 8.0


def long_clips(directory):
    """The five sentences joined (25 s), and that three times (74 s), made with sox."""
    joined = os.path.join(directory, "sentences-25s.wav")
    thrice = os.path.join(directory, "sentences-74s.wav")
    subprocess.run(["sox"] + SENTENCES + [joined], check=True)
    subprocess.run(["sox", joined, joined, joined, thrice], check=True)
    return [joined, thrice]


def seconds(path):
    return float(subprocess.run(["soxi", "-D", path], capture_output=True, text=True, check=True).stdout)


def run_ours(binary, model, threads, files):
    p = subprocess.run([binary, "transcribe", "--json", "--stats", "--model", model, "--threads", str(threads)] + files,
                       capture_output=True, text=True, check=True)
    rows = [json.loads(l) for l in p.stdout.splitlines()]
    stats = json.loads(p.stderr.strip().splitlines()[-1])
    return rows, stats


def run_reference(python, script, model_dir, threads, files):
    t0 = time.perf_counter()
    p = subprocess.run([python, script, model_dir, "--threads", str(threads)] + files,
                       capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    return [json.loads(l) for l in p.stdout.splitlines()], wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/asrlens"))
    ap.add_argument("--python", default=os.path.join(ROOT, ".venv-ref/bin/python"))
    ap.add_argument("--reference", default=os.path.join(ROOT, "../shared/reference/fw_reference.py"))
    a = ap.parse_args()
    scratch = tempfile.TemporaryDirectory()
    files = a.files or DEFAULT_FILES + long_clips(scratch.name)
    home = os.environ.get("ASRLENS_HOME", os.path.expanduser("~/.cache/asrlens"))
    model_dir = a.model if os.path.isdir(a.model) else os.path.join(home, "models", a.model)

    ours, ref, stats = {}, {}, None
    for _ in range(a.rounds):
        rows, wall = run_reference(a.python, a.reference, model_dir, a.threads, files)
        for r in rows:
            ref[r["file"]] = min(ref.get(r["file"], 1e9), r["seconds"])
        rows, stats = run_ours(a.binary, model_dir, a.threads, files)
        for r in rows:
            ours[r["file"]] = min(ours.get(r["file"], 1e9), r["seconds"])

    print(f"model {a.model}, {len(files)} clips, {a.threads} threads, best of {a.rounds} rounds")
    print(f"{'clip':45} {'length s':>9} {'asrlens s':>10} {'faster-whisper s':>17} {'ratio':>6}")
    groups = {"short": [], "long": []}
    for f in files:
        length = seconds(f)
        groups["short" if length <= SHORT_SECONDS else "long"].append(f)
        print(f"{os.path.basename(f):45} {length:9.1f} {ours[f]:10.3f} {ref[f]:17.3f} {ours[f] / ref[f]:6.2f}")
    for name, members in groups.items():
        if not members:
            continue
        total_ours, total_ref = sum(ours[f] for f in members), sum(ref[f] for f in members)
        print(f"{'total ' + name + f' ({len(members)} clips)':55} {total_ours:10.3f} {total_ref:17.3f} {total_ours / total_ref:6.2f}")
    print(f"asrlens model load {stats['model_load_seconds']:.3f} s, peak RSS {stats['peak_rss_mb']:.0f} MiB")
    for name, members in groups.items():
        if members:
            print(f"RATIO {name} {sum(ours[f] for f in members) / sum(ref[f] for f in members):.3f} (target <= 0.9)")


if __name__ == "__main__":
    sys.exit(main())
