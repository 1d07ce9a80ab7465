#!/usr/bin/env python3
"""Small random-weight Hugging Face Whisper checkpoints and transformers' own outputs for them:
the golden for asrlens's transformers loader (`HFCheckpointTests`), so CI needs no Python.

For each mel count (80, and 128 as Whisper-large-v3 has) it writes, under OUT/tiny-random-N/:
config.json, model.safetensors (float32; bfloat16 for 128 mels), tokenizer.json,
generation_config.json and golden.json: the encoder output's statistics, the logits of a
teacher-forced token sequence, and raw greedy tokens (argmax, no decoding rules).
OUT/large-v3-shape/ has large-v3's shape, 128 mels and 51,866 tokens (100 languages, the
specials at large-v3's ids, a tokenizer that stops at <|notimestamps|>), at width 8 in float16;
its golden keeps each logits row's top 5 and every 997th logit.
The input features are f[m, t] = 0.5 sin(0.013 (t + 1)(m + 1)) over Whisper's 3000 frames.

Usage: .venv-peer/bin/python scripts/hf_golden.py Tests/Fixtures/hf
"""
import json
import os
import sys

import numpy as np
import torch
from transformers import WhisperConfig, WhisperForConditionalGeneration

# 256 byte symbols (GPT-2's byte-to-unicode map), the specials, six timestamps: as SyntheticWhisper.
def byte_symbols():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    table = dict(zip(bs, cs))
    return [chr(table[b]) for b in range(256)]

SPECIALS = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|de|>", "<|translate|>", "<|transcribe|>",
            "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"] + ["<|%.2f|>" % (i * 0.02) for i in range(6)]


def large_v3_tokens():
    """large-v3's ids: 50257 text tokens (256 bytes, then placeholders), <|endoftext|>, <|startoftranscript|>,
    100 languages, the task and other specials, <|notimestamps|> at 50364; timestamps are left to the loader."""
    text = byte_symbols() + ["t%d" % i for i in range(256, 50257)]
    languages = ["<|en|>", "<|de|>"] + ["<|x%02d|>" % i for i in range(98)]
    return text + ["<|endoftext|>", "<|startoftranscript|>"] + languages + [
        "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]


def make(out, mels, dtype, folder=None, width=32, tokens=None, vocab=None, layers=2):
    torch.manual_seed(mels + width)
    tokens = tokens or byte_symbols() + SPECIALS
    vocab = vocab or len(tokens)
    ids = {t: i for i, t in enumerate(tokens)}
    config = WhisperConfig(vocab_size=vocab, num_mel_bins=mels, d_model=width, encoder_layers=layers, decoder_layers=layers,
                           encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=2 * width, decoder_ffn_dim=2 * width,
                           max_source_positions=1500, max_target_positions=448, pad_token_id=ids["<|endoftext|>"],
                           bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|endoftext|>"],
                           decoder_start_token_id=ids["<|startoftranscript|>"], init_std=0.2)
    model = WhisperForConditionalGeneration(config).eval()
    with torch.no_grad():   # layer norms away from 1 and 0, so a swapped gamma or beta shows
        for name, p in model.named_parameters():
            if "layer_norm" in name:
                p.copy_(torch.randn_like(p) * 0.1 + (1.0 if name.endswith("weight") else 0.0))
    model = model.to(dtype).to(torch.float32) if dtype != torch.float32 else model   # values a bfloat16 file holds exactly
    d = os.path.join(out, folder or f"tiny-random-{mels}")
    os.makedirs(d, exist_ok=True)
    model.to(dtype).save_pretrained(d, safe_serialization=True)
    model = model.to(torch.float32)
    with open(os.path.join(d, "tokenizer.json"), "w") as f:
        first_special = ids["<|endoftext|>"]
        json.dump({"model": {"type": "BPE", "vocab": {t: i for i, t in enumerate(tokens[:first_special])}, "merges": []},
                   "added_tokens": [{"id": i, "content": t, "special": True} for i, t in enumerate(tokens) if i >= first_special]}, f)
    with open(os.path.join(d, "generation_config.json"), "w") as f:
        json.dump({"suppress_tokens": [ids.get("<|nocaptions|>", ids.get("<|nospeech|>"))], "begin_suppress_tokens": [ids["<|endoftext|>"]],
                   "alignment_heads": [[layers - 1, 0], [layers - 1, 1]], "lang_to_id": {"<|en|>": ids["<|en|>"], "<|de|>": ids["<|de|>"]},
                   "no_timestamps_token_id": ids["<|notimestamps|>"]}, f)
    t = np.arange(3000, dtype=np.float64)[None, :] + 1
    m = np.arange(mels, dtype=np.float64)[:, None] + 1
    features = torch.from_numpy((0.5 * np.sin(0.013 * t * m)).astype(np.float32))[None]
    prompt = [ids["<|startoftranscript|>"], ids["<|en|>"], ids["<|transcribe|>"], ids["<|notimestamps|>"]]
    forced = prompt + [72, 101, 108, 108, 111]
    with torch.no_grad():
        enc = model.model.encoder(features).last_hidden_state[0]
        logits = model(input_features=features, decoder_input_ids=torch.tensor([forced])).logits[0]
        greedy = list(prompt)
        for _ in range(8):
            step = model(input_features=features, decoder_input_ids=torch.tensor([greedy])).logits[0, -1]
            greedy.append(int(step.argmax()))
    with open(os.path.join(d, "golden.json"), "w") as f:
        json.dump({"transformers": __import__("transformers").__version__, "torch": torch.__version__,
                   "encoder": {"shape": list(enc.shape), "mean": float(enc.mean()), "std": float(enc.std()),
                               "frame0_first8": [float(x) for x in enc[0, :8]], "last": float(enc[-1, -1])},
                   "forced": forced, "greedy": greedy[len(prompt):],
                   **({"logits": [[float(x) for x in row] for row in logits]} if vocab < 1000 else
                      {"top5": [[[int(i), float(row[i])] for i in row.topk(5).indices] for row in logits],
                       "every997": [[float(row[i]) for i in range(0, vocab, 997)] for row in logits]})}, f)


if __name__ == "__main__":
    make(sys.argv[1], 80, torch.float32)
    make(sys.argv[1], 128, torch.bfloat16)
    make(sys.argv[1], 128, torch.float16, folder="large-v3-shape", width=8, tokens=large_v3_tokens(), vocab=51866, layers=1)
