# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The lancet authors
"""Reference CLIP in plain PyTorch (no transformers): tokenizer, image preprocessing (PIL),
text and vision towers. Written from the published CLIP architecture and the transformers
CLIPModel tensor layout, used to check lancet's C++ engine (tests/embed/clip_parity.py).

Run with /usr/bin/python3 (Debian's python3-torch, python3-regex, python3-pil, python3-numpy).
"""
import json
import math
import os
import struct
import unicodedata

import numpy as np
import regex
import torch

# ---- safetensors ---------------------------------------------------------------------------

_DTYPES = {"F32": (np.float32, 4), "F16": (np.float16, 2)}


def save_safetensors(path, tensors, dtype="F16"):
    """tensors: name -> torch tensor (float). Writes F16 or F32."""
    header, blobs, off = {}, [], 0
    npdt = _DTYPES[dtype][0]
    for name in sorted(tensors):
        arr = tensors[name].detach().cpu().numpy().astype(npdt)
        raw = arr.tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt"}
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        npdt, _ = _DTYPES[info["dtype"]]
        b, e = info["data_offsets"]
        arr = np.frombuffer(data, dtype=npdt, count=(e - b) // np.dtype(npdt).itemsize,
                            offset=8 + n + b).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.astype(np.float32))
    return out


# ---- tokenizer -----------------------------------------------------------------------------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


PAT = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""")


def clean_text(text):
    """NFC; whitespace -> ' '; drop NUL, U+FFFD, Cc/Cf; lower(); collapse whitespace; strip."""
    text = unicodedata.normalize("NFC", text)
    chars = []
    for ch in text:
        if ch.isspace():
            chars.append(" ")
        elif ch in ("\x00", "\ufffd") or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        else:
            chars.append(ch)
    text = "".join(chars).lower()
    return " ".join(text.split())


class ClipTokenizer:
    def __init__(self, vocab_path, merges_path):
        with open(vocab_path, encoding="utf-8") as f:
            self.encoder = json.load(f)
        self.decoder = {v: k for k, v in self.encoder.items()}
        with open(merges_path, encoding="utf-8") as f:
            lines = [l for l in f.read().split("\n") if l and not l.startswith("#")]
        self.bpe_ranks = {}
        for i, l in enumerate(lines):
            self.bpe_ranks.setdefault(tuple(l.split()), i)
        self.byte_encoder = bytes_to_unicode()
        self.sot = self.encoder["<|startoftext|>"]
        self.eot = self.encoder["<|endoftext|>"]
        self.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = set(zip(word[:-1], word[1:]))
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
        out = " ".join(word)
        self.cache[token] = out
        return out

    def encode_raw(self, text):
        ids = []
        for token in PAT.findall(clean_text(text)):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder.get(t, self.eot) for t in self.bpe(token).split(" "))
        return ids

    def encode(self, text, context_length=77):
        ids = [self.sot] + self.encode_raw(text)[:context_length - 2] + [self.eot]
        length = len(ids)
        return ids + [self.eot] * (context_length - length), length


# ---- image preprocessing (PIL, as transformers' CLIPImageProcessor) -------------------------

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def preprocess_image(path, size):
    from PIL import Image, ImageOps
    img = Image.open(path)
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, img)
    img = img.convert("RGB")
    w, h = img.size
    if w <= h:
        nw, nh = size, int(size * h / w)
    else:
        nw, nh = int(size * w / h), size
    img = img.resize((nw, nh), Image.BICUBIC)
    left, top = (nw - size) // 2, (nh - size) // 2
    img = img.crop((left, top, left + size, top + size))
    a = np.asarray(img, dtype=np.float32) / 255.0
    a = (a - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return torch.from_numpy(a.transpose(2, 0, 1).copy())


# ---- model ---------------------------------------------------------------------------------

class ClipReference:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = json.load(f)
        self.w = load_safetensors(os.path.join(model_dir, "model.safetensors"))
        self.tc = self.cfg["text_config"]
        self.vc = self.cfg["vision_config"]

    def _act(self, x, tower):
        if tower.get("hidden_act", "quick_gelu") == "quick_gelu":
            return x * torch.sigmoid(1.702 * x)
        return torch.nn.functional.gelu(x)

    def _ln(self, x, p, eps):
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), self.w[p + ".weight"],
                                              self.w[p + ".bias"], eps)

    def _lin(self, x, p):
        return x @ self.w[p + ".weight"].T + self.w[p + ".bias"]

    def _encoder(self, x, prefix, tower, mask):
        d, H = tower["hidden_size"], tower["num_attention_heads"]
        dh = d // H
        eps = tower.get("layer_norm_eps", 1e-5)
        B, T, _ = x.shape
        for i in range(tower["num_hidden_layers"]):
            p = f"{prefix}.encoder.layers.{i}."
            h = self._ln(x, p + "layer_norm1", eps)
            q = self._lin(h, p + "self_attn.q_proj") * dh ** -0.5
            k = self._lin(h, p + "self_attn.k_proj")
            v = self._lin(h, p + "self_attn.v_proj")
            q, k, v = (t.view(B, T, H, dh).transpose(1, 2) for t in (q, k, v))
            s = q @ k.transpose(-1, -2)
            if mask is not None:
                s = s + mask
            a = torch.softmax(s, dim=-1) @ v
            a = a.transpose(1, 2).reshape(B, T, d)
            x = x + self._lin(a, p + "self_attn.out_proj")
            h = self._ln(x, p + "layer_norm2", eps)
            x = x + self._lin(self._act(self._lin(h, p + "mlp.fc1"), tower), p + "mlp.fc2")
        return x

    @torch.no_grad()
    def encode_text(self, ids):
        ids = torch.as_tensor(ids, dtype=torch.long)
        B, T = ids.shape
        x = self.w["text_model.embeddings.token_embedding.weight"][ids]
        x = x + self.w["text_model.embeddings.position_embedding.weight"][:T]
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = self._encoder(x, "text_model", self.tc, mask)
        x = self._ln(x, "text_model.final_layer_norm", self.tc.get("layer_norm_eps", 1e-5))
        eos = self.tc.get("eos_token_id", 2)
        if eos == 2:
            pos = ids.argmax(dim=-1)
        else:
            pos = (ids == eos).int().argmax(dim=-1)
        pooled = x[torch.arange(B), pos]
        e = pooled @ self.w["text_projection.weight"].T
        return e / e.norm(dim=-1, keepdim=True)

    @torch.no_grad()
    def encode_image(self, pixels):
        pixels = torch.as_tensor(pixels, dtype=torch.float32)
        B = pixels.shape[0]
        p = self.vc.get("patch_size", 32)
        w = self.w["vision_model.embeddings.patch_embedding.weight"]
        x = torch.nn.functional.conv2d(pixels, w, stride=p).flatten(2).transpose(1, 2)
        cls = self.w["vision_model.embeddings.class_embedding"].expand(B, 1, -1)
        x = torch.cat([cls, x], dim=1) + self.w["vision_model.embeddings.position_embedding.weight"]
        eps = self.vc.get("layer_norm_eps", 1e-5)
        x = self._ln(x, "vision_model.pre_layrnorm", eps)
        x = self._encoder(x, "vision_model", self.vc, None)
        pooled = self._ln(x[:, 0], "vision_model.post_layernorm", eps)
        e = pooled @ self.w["visual_projection.weight"].T
        return e / e.norm(dim=-1, keepdim=True)
