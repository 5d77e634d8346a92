# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The lancet authors
"""Write a randomly initialised CLIP checkpoint in the Hugging Face layout (config.json,
model.safetensors with transformers' CLIPModel tensor names, vocab.json, merges.txt).

The BPE vocabulary is learnt (seeded, deterministic) from a small built-in corpus, in CLIP's
vocabulary order: 256 byte symbols, the same with </w>, one entry per merge, then
<|startoftext|> and <|endoftext|>. Weights are normal(0, 0.02)-initialised as transformers does;
stored as F16 by default (half the bytes; both lancet and the reference read the same rounded
values).

  /usr/bin/python3 make_random_clip.py OUT_DIR [--preset b32|tiny|tiny16|tiny14] [--seed N]
      [--dtype F16|F32] [--eos legacy|id] [--act quick_gelu|gelu]
"""
import argparse
import collections
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_reference as ref  # noqa: E402

PRESETS = {
    # name: (text d, text layers, text heads, text mlp, vision d, layers, heads, mlp, image, patch, proj, vocab)
    "b32": (512, 12, 8, 2048, 768, 12, 12, 3072, 224, 32, 512, 49408),
    "b16": (512, 12, 8, 2048, 768, 12, 12, 3072, 224, 16, 512, 49408),
    "l14": (768, 12, 12, 3072, 1024, 24, 16, 4096, 224, 14, 768, 49408),
    "tiny": (64, 2, 4, 256, 96, 2, 4, 384, 64, 32, 48, 4096),
    "tiny16": (64, 2, 2, 128, 64, 2, 2, 128, 48, 16, 32, 4096),
    "tiny14": (64, 2, 2, 128, 64, 3, 4, 256, 56, 14, 40, 4096),
}

CORPUS = """
a photo of a dog. a photo of a cat. a blue car parked on the street. the quick brown fox jumps
over the lazy dog. an image of a red apple on a wooden table. two people walking on the beach at
sunset. a close-up photo of a flower. a black and white photograph of a city skyline at night.
a painting of mountains and a lake. there's a bird sitting on a branch; it's singing. we've seen
the ocean, they'll see it too, i'd like to go, i'm here, you're there. 123 456 789 0 2024 2026.
Résumé, café, naïve, façade, Ärger, Öl, Übermut, straße, señor, niño. Ελληνικά κείμενα, русский
текст, 日本語のテキスト, 中文文本, 한국어 텍스트. emoji 🙂 🚗 🐶 ❤️. hello, world! (parentheses)
[brackets] {braces} <angle> "quotes" 'single' --- dashes ... ellipsis; semicolons: colons?
"""


def learn_bpe(corpus, num_merges):
    words = collections.Counter()
    benc = ref.bytes_to_unicode()
    for _ in range(3):
        for tok in ref.PAT.findall(ref.clean_text(corpus)):
            sym = [benc[b] for b in tok.encode("utf-8")]
            sym[-1] += "</w>"
            words[tuple(sym)] += 1
    words = {w: c for w, c in words.items()}
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w[:-1], w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        new_words = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + c
        words = new_words
    return merges


def write_tokenizer(out, num_merges=600):
    merges = learn_bpe(CORPUS, num_merges)
    vocab = list(ref.bytes_to_unicode().values())
    vocab = vocab + [v + "</w>" for v in vocab]
    seen = set(vocab)
    kept = []
    for a, b in merges:
        if a + b not in seen:
            vocab.append(a + b)
            seen.add(a + b)
        kept.append((a, b))
    vocab.extend(["<|startoftext|>", "<|endoftext|>"])
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({v: i for i, v in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in kept:
            f.write(f"{a} {b}\n")
    return len(vocab)


def make(out, preset="b32", seed=0, dtype="F16", eos="legacy", act="quick_gelu"):
    os.makedirs(out, exist_ok=True)
    td, tl, th, tm, vd, vl, vh, vm, image, patch, proj, vocab_size = PRESETS[preset]
    n_vocab = write_tokenizer(out)
    assert n_vocab <= vocab_size
    eos_id = n_vocab - 1
    g = torch.Generator().manual_seed(seed)

    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=g) * std

    def ln(w, prefix, d):
        w[prefix + ".weight"] = 1.0 + normal(d, std=0.1)
        w[prefix + ".bias"] = normal(d, std=0.05)

    def lin(w, prefix, o, i):
        w[prefix + ".weight"] = normal(o, i, std=i ** -0.5)
        w[prefix + ".bias"] = normal(o, std=0.02)

    def tower(w, prefix, d, layers, mlp):
        for k in range(layers):
            p = f"{prefix}.encoder.layers.{k}."
            ln(w, p + "layer_norm1", d)
            ln(w, p + "layer_norm2", d)
            for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
                lin(w, p + "self_attn." + n, d, d)
            lin(w, p + "mlp.fc1", mlp, d)
            lin(w, p + "mlp.fc2", d, mlp)

    w = {}
    ctx = 77
    w["text_model.embeddings.token_embedding.weight"] = normal(vocab_size, td)
    w["text_model.embeddings.position_embedding.weight"] = normal(ctx, td, std=0.01)
    tower(w, "text_model", td, tl, tm)
    ln(w, "text_model.final_layer_norm", td)
    grid = image // patch
    w["vision_model.embeddings.class_embedding"] = normal(vd)
    w["vision_model.embeddings.patch_embedding.weight"] = normal(vd, 3, patch, patch,
                                                                std=(3 * patch * patch) ** -0.5)
    w["vision_model.embeddings.position_embedding.weight"] = normal(grid * grid + 1, vd)
    ln(w, "vision_model.pre_layrnorm", vd)
    tower(w, "vision_model", vd, vl, vm)
    ln(w, "vision_model.post_layernorm", vd)
    w["visual_projection.weight"] = normal(proj, vd, std=vd ** -0.5)
    w["text_projection.weight"] = normal(proj, td, std=td ** -0.5)
    w["logit_scale"] = torch.tensor(2.6592)
    ref.save_safetensors(os.path.join(out, "model.safetensors"), w, dtype)
    config = {
        "architectures": ["CLIPModel"],
        "model_type": "clip",
        "projection_dim": proj,
        "logit_scale_init_value": 2.6592,
        "text_config": {
            "hidden_size": td, "intermediate_size": tm, "num_hidden_layers": tl,
            "num_attention_heads": th, "max_position_embeddings": ctx, "vocab_size": vocab_size,
            "hidden_act": act, "layer_norm_eps": 1e-5, "bos_token_id": n_vocab - 2,
            "eos_token_id": 2 if eos == "legacy" else eos_id, "pad_token_id": 1,
            "model_type": "clip_text_model",
        },
        "vision_config": {
            "hidden_size": vd, "intermediate_size": vm, "num_hidden_layers": vl,
            "num_attention_heads": vh, "image_size": image, "patch_size": patch,
            "num_channels": 3, "hidden_act": act, "layer_norm_eps": 1e-5,
            "model_type": "clip_vision_model",
        },
        "lancet_random_seed": seed,
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--preset", default="b32", choices=sorted(PRESETS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", default="F16", choices=["F16", "F32"])
    ap.add_argument("--eos", default="legacy", choices=["legacy", "id"])
    ap.add_argument("--act", default="quick_gelu", choices=["quick_gelu", "gelu"])
    a = ap.parse_args()
    make(a.out, a.preset, a.seed, a.dtype, a.eos, a.act)


if __name__ == "__main__":
    main()
