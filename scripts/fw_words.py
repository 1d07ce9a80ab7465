#!/usr/bin/env python3
"""faster-whisper's word timestamps of each file's first window (greedy, temperature 0, no
timestamp tokens, no conditioning on previous text, no VAD), one JSON line per file: the golden
for `asrlens words`. Only the segment decoded at seek 0 is kept: with word timestamps,
faster-whisper then seeks to the last word's end and decodes the rest again, which `words`
(one window, its clean transcript) does not do.

Usage: .venv-ref/bin/python scripts/fw_words.py MODEL_DIR FILE... > Tests/Fixtures/golden/words-MODEL.jsonl
"""
import json
import sys

from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio


def main():
    model = WhisperModel(sys.argv[1], device="cpu", compute_type="float32", cpu_threads=2)
    for path in sys.argv[2:]:
        segments, info = model.transcribe(decode_audio(path, sampling_rate=16000), beam_size=1, temperature=0.0,
                                          without_timestamps=True, word_timestamps=True,
                                          condition_on_previous_text=False, vad_filter=False)
        first = [s for s in segments if s.seek == 0]
        print(json.dumps({"file": path, "language": info.language,
                          "tokens": [t for s in first for t in s.tokens],
                          "words": [[w.word, w.start, w.end] for s in first for w in s.words]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
