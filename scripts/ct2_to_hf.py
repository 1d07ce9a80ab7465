#!/usr/bin/env python3
"""Convert a CTranslate2 (faster-whisper) Whisper directory to a Hugging Face transformers one,
to prove asrlens's transformers loader on real models (`HFCheckpointTests` compares its tokens
with faster-whisper's goldens when the converted folders exist).

Reads model.bin (binary version 6; float32, float16 or bfloat16 weights, whisper-ct2-format.md
§2), splits the fused Q;K;V and K;V projections back into q_proj, k_proj, v_proj (the key has no
bias), loads the weights into transformers' WhisperForConditionalGeneration (every parameter
must be filled), saves it as model.safetensors with config.json, and writes generation_config.json
from the CTranslate2 config.json (suppress_ids → suppress_tokens, suppress_ids_begin →
begin_suppress_tokens, lang_ids → lang_to_id, alignment_heads) and copies tokenizer.json.
Then it transcribes CLIP with transformers (greedy) and prints the text as a check.

Usage: .venv-peer/bin/python scripts/ct2_to_hf.py ~/.cache/asrlens/models/tiny.en ~/.cache/asrlens/hf/tiny.en [CLIP]
"""
import json
import os
import shutil
import struct
import sys

import numpy as np
import torch
from transformers import WhisperConfig, WhisperForConditionalGeneration

DTYPES = {0: np.float32, 2: np.int16, 3: np.int32, 4: np.float16, 1: np.int8}


def read_model_bin(path):
    data = open(path, "rb").read()
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def string():
        nonlocal pos
        (n,) = take("H")
        s = data[pos:pos + n - 1].decode()
        pos += n
        return s

    (version,) = take("I")
    assert version == 6, f"binary version {version}; this script reads version 6"
    string(); take("I")   # spec name, revision
    (count,) = take("I")
    out = {}
    for _ in range(count):
        name = string()
        (rank,) = take("B")
        dims = take("I" * rank)
        (dtype,) = take("B")
        (size,) = take("I")
        raw = data[pos:pos + size]
        pos += size
        if dtype == 5:   # bfloat16: the upper half of a float32
            values = (np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            values = np.frombuffer(raw, dtype=DTYPES[dtype])
        out[name] = values.reshape(dims) if rank else values[0]
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    w = read_model_bin(os.path.join(src, "model.bin"))
    ct2 = json.load(open(os.path.join(src, "config.json")))
    layers = lambda stack: len({k.split("/")[1] for k in w if k.startswith(stack + "/layer_") and k.split("/")[1][6:].isdigit()})
    d, mels = w["encoder/conv1/weight"].shape[:2]
    tokenizer = json.load(open(os.path.join(src, "tokenizer.json")))
    vocab = w["decoder/embeddings/weight"].shape[0]
    ids = dict(tokenizer["model"]["vocab"], **{t["content"]: t["id"] for t in tokenizer.get("added_tokens", [])})
    config = WhisperConfig(
        vocab_size=vocab, num_mel_bins=mels, d_model=d, encoder_layers=layers("encoder"), decoder_layers=layers("decoder"),
        encoder_attention_heads=int(w["encoder/num_heads"]), decoder_attention_heads=int(w["decoder/num_heads"]),
        encoder_ffn_dim=w["encoder/layer_0/ffn/linear_0/weight"].shape[0], decoder_ffn_dim=w["decoder/layer_0/ffn/linear_0/weight"].shape[0],
        max_source_positions=w["encoder/position_encodings/encodings"].shape[0],
        max_target_positions=w["decoder/position_encodings/encodings"].shape[0],
        pad_token_id=ids["<|endoftext|>"], bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|endoftext|>"],
        decoder_start_token_id=ids["<|startoftranscript|>"])
    state = {}

    def f32(x):
        return torch.from_numpy(np.array(x, dtype=np.float32))

    def put(name, value):
        state[name] = f32(value)

    for stack in ("encoder", "decoder"):
        put(f"model.{stack}.embed_positions.weight", w[f"{stack}/position_encodings/encodings"])
        put(f"model.{stack}.layer_norm.weight", w[f"{stack}/layer_norm/gamma"])
        put(f"model.{stack}.layer_norm.bias", w[f"{stack}/layer_norm/beta"])
        for l in range(layers(stack)):
            s, t = f"{stack}/layer_{l}", f"model.{stack}.layers.{l}"
            norms = [("self_attention", "self_attn_layer_norm"), ("ffn", "final_layer_norm")] + ([("attention", "encoder_attn_layer_norm")] if stack == "decoder" else [])
            for ct, hf in norms:
                put(f"{t}.{hf}.weight", w[f"{s}/{ct}/layer_norm/gamma"])
                put(f"{t}.{hf}.bias", w[f"{s}/{ct}/layer_norm/beta"])
            q, k, v = np.split(w[f"{s}/self_attention/linear_0/weight"], 3)
            qb, kb, vb = np.split(w[f"{s}/self_attention/linear_0/bias"], 3)
            assert not np.any(kb), "a key bias in the fused projection"
            for name, value in [("q_proj.weight", q), ("q_proj.bias", qb), ("k_proj.weight", k), ("v_proj.weight", v), ("v_proj.bias", vb)]:
                put(f"{t}.self_attn.{name}", value)
            put(f"{t}.self_attn.out_proj.weight", w[f"{s}/self_attention/linear_1/weight"])
            put(f"{t}.self_attn.out_proj.bias", w[f"{s}/self_attention/linear_1/bias"])
            put(f"{t}.fc1.weight", w[f"{s}/ffn/linear_0/weight"]); put(f"{t}.fc1.bias", w[f"{s}/ffn/linear_0/bias"])
            put(f"{t}.fc2.weight", w[f"{s}/ffn/linear_1/weight"]); put(f"{t}.fc2.bias", w[f"{s}/ffn/linear_1/bias"])
            if stack == "decoder":
                put(f"{t}.encoder_attn.q_proj.weight", w[f"{s}/attention/linear_0/weight"])
                put(f"{t}.encoder_attn.q_proj.bias", w[f"{s}/attention/linear_0/bias"])
                k, v = np.split(w[f"{s}/attention/linear_1/weight"], 2)
                kb, vb = np.split(w[f"{s}/attention/linear_1/bias"], 2)
                assert not np.any(kb), "a key bias in the fused cross-attention projection"
                put(f"{t}.encoder_attn.k_proj.weight", k); put(f"{t}.encoder_attn.v_proj.weight", v); put(f"{t}.encoder_attn.v_proj.bias", vb)
                put(f"{t}.encoder_attn.out_proj.weight", w[f"{s}/attention/linear_2/weight"])
                put(f"{t}.encoder_attn.out_proj.bias", w[f"{s}/attention/linear_2/bias"])
    for conv in ("conv1", "conv2"):
        put(f"model.encoder.{conv}.weight", w[f"encoder/{conv}/weight"]); put(f"model.encoder.{conv}.bias", w[f"encoder/{conv}/bias"])
    put("model.decoder.embed_tokens.weight", w["decoder/embeddings/weight"])

    model = WhisperForConditionalGeneration(config)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and set(missing) <= {"proj_out.weight"}, (missing, unexpected)
    model.tie_weights()
    model.eval()
    os.makedirs(dst, exist_ok=True)
    # In the source's own precision (faster-whisper's files are float16), so that the weights,
    # and asrlens's arithmetic on them, are those of the CTranslate2 directory.
    source = {str(v.dtype) for k, v in w.items() if k.endswith("/weight")}
    (model.to(torch.float16) if source == {"float16"} else model).save_pretrained(dst, safe_serialization=True)
    model.to(torch.float32)
    shutil.copy(os.path.join(src, "tokenizer.json"), dst)
    lang = {t: ids[t] for t in ids if t.startswith("<|") and ids[t] in set(ct2.get("lang_ids", []))}
    json.dump({"suppress_tokens": ct2["suppress_ids"], "begin_suppress_tokens": ct2["suppress_ids_begin"],
               "alignment_heads": ct2.get("alignment_heads", []), "lang_to_id": lang,
               "no_timestamps_token_id": ids["<|notimestamps|>"], "decoder_start_token_id": ids["<|startoftranscript|>"]},
              open(os.path.join(dst, "generation_config.json"), "w"))
    if len(sys.argv) > 3:
        import soundfile
        from transformers import WhisperFeatureExtractor
        audio, rate = soundfile.read(sys.argv[3], dtype="float32")
        assert rate == 16000
        features = WhisperFeatureExtractor(feature_size=mels)(audio, sampling_rate=16000, return_tensors="pt").input_features
        multilingual = vocab >= 51865   # English-only models have no language or task token in the prompt
        prompt = [ids["<|startoftranscript|>"]] + ([ids["<|en|>"], ids["<|transcribe|>"]] if multilingual else []) + [ids["<|notimestamps|>"]]
        tokens = list(prompt)
        with torch.no_grad():
            for _ in range(100):
                nxt = int(model(input_features=features, decoder_input_ids=torch.tensor([tokens])).logits[0, -1].argmax())
                if nxt == ids["<|endoftext|>"]:
                    break
                tokens.append(nxt)
        inverse = {i: t for t, i in ids.items()}
        print("transformers greedy:", "".join(inverse[t] for t in tokens[len(prompt):]).replace("Ġ", " "))


if __name__ == "__main__":
    main()
