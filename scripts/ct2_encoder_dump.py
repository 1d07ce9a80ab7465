#!/usr/bin/env python3
"""Dump a CTranslate2 Whisper encoder output (and a few log-mel facts) as a test fixture.

    .venv-ref/bin/python scripts/ct2_encoder_dump.py MODEL_DIR AUDIO OUT_PREFIX [--name NAME] [--threads 2]

Features are computed the way the golden-transcript script (fw_reference.py) does it:
faster-whisper's FeatureExtractor on the 16 kHz decoded audio, first 3000 frames kept, then
zero-padded (0.0 in the normalized log-mel domain) on the right to 3000 frames. The encoder
runs on CPU in float32 (compute_type="float32") with the given number of threads.

Writes
  OUT_PREFIX.json  metadata, statistics of the full [1500, D] output, the list of kept frames,
                   and log-mel facts (pre-padding shape, max, first 3 frames for all mels)
  OUT_PREFIX.f32   raw little-endian float32 of only the kept encoder frames, row-major
                   [len(frames), D] (frame-major: D values of frames[0], then frames[1], ...)

Kept frames: every frame that carries audio, 0 .. ceil(content_frames / 2) + 2 inclusive,
where content_frames = features.shape[-1] - 1 (pre-padding), then every frame index that is
a multiple of 10 above that, then frame 1499.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import ctranslate2
import faster_whisper
from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio

N_FRAMES = 3000
N_ENC = 1500


def kept_frames(content_frames):
    last_audio = min(math.ceil(content_frames / 2) + 2, N_ENC - 1)
    frames = list(range(0, last_audio + 1))
    f = (last_audio // 10 + 1) * 10
    while f < N_ENC:
        frames.append(f)
        f += 10
    if frames[-1] != N_ENC - 1:
        frames.append(N_ENC - 1)
    return frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("audio")
    ap.add_argument("out_prefix", help="writes OUT_PREFIX.json and OUT_PREFIX.f32")
    ap.add_argument("--name", default=None, help="model name stored in the json (default: basename of model_dir)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()

    name = a.name or os.path.basename(os.path.normpath(a.model_dir))
    model = WhisperModel(a.model_dir, device="cpu", compute_type="float32", cpu_threads=a.threads)

    audio = decode_audio(a.audio, sampling_rate=16000)
    features = model.feature_extractor(audio)          # [n_mels, floor(N/160) + 1], float32
    content_frames = features.shape[-1] - 1
    feats = features[:, :N_FRAMES]
    pad = np.zeros((feats.shape[0], N_FRAMES), dtype=np.float32)
    pad[:, : feats.shape[1]] = feats

    enc = np.array(model.model.encode(
        ctranslate2.StorageView.from_array(pad[None]), to_cpu=True))[0]
    enc = enc.astype(np.float32, copy=False)
    assert enc.shape[0] == N_ENC, enc.shape

    frames = kept_frames(content_frames)
    sel = np.ascontiguousarray(enc[frames], dtype="<f4")

    with open(a.out_prefix + ".f32", "wb") as fh:
        fh.write(sel.tobytes(order="C"))

    meta = {
        "model": name,
        "file": a.audio,
        "shape": [int(enc.shape[0]), int(enc.shape[1])],
        "frames": frames,
        "max_abs": float(np.abs(enc).max()),
        "mean": float(enc.mean()),
        "std": float(enc.std()),
        "f32_layout": "little-endian float32, row-major [len(frames), D]",
        "num_samples": int(audio.shape[0]),
        "content_frames": int(content_frames),
        "features_shape": [int(s) for s in features.shape],
        "features_max": float(features.max()),
        "features_min": float(features.min()),
        "features_mean": float(features.mean()),
        "features_first_frames": [[float(v) for v in features[:, t]] for t in range(min(3, features.shape[1]))],
        "encoder_frame0_first8": [float(v) for v in enc[0, :8]],
        "encoder_last": float(enc[-1, -1]),
        "compute": {"device": "cpu", "compute_type": "float32", "threads": a.threads},
        "versions": {"ctranslate2": ctranslate2.__version__,
                     "faster_whisper": faster_whisper.__version__,
                     "numpy": np.__version__},
    }
    with open(a.out_prefix + ".json", "w") as fh:
        json.dump(meta, fh)
        fh.write("\n")
    print(f"{name}: enc {list(enc.shape)}, kept {len(frames)} frames, "
          f"max_abs {meta['max_abs']:.4f}, features {list(features.shape)}", file=sys.stderr)


if __name__ == "__main__":
    main()
