#!/usr/bin/env python3
"""faster-whisper's segments with timestamps (greedy, temperature 0, no conditioning on previous
text, no VAD), one JSON line per file: the golden for `transcribe --output-format`.

Usage: .venv-peer/bin/python scripts/fw_segments.py MODEL_DIR FILE... > Tests/Fixtures/golden/segments-MODEL.jsonl
"""
import json
import sys

from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio


def main():
    model = WhisperModel(sys.argv[1], device="cpu", compute_type="float32", cpu_threads=2)
    for path in sys.argv[2:]:
        segments, info = model.transcribe(decode_audio(path, sampling_rate=16000), beam_size=1, temperature=0.0,
                                          without_timestamps=False, condition_on_previous_text=False, vad_filter=False)
        print(json.dumps({"file": path, "language": info.language,
                          "segments": [{"seek": s.seek, "start": s.start, "end": s.end, "text": s.text, "tokens": s.tokens} for s in segments]}))


if __name__ == "__main__":
    main()
