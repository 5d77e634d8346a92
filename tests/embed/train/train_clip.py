#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The lancet authors
"""Train lancet's default CLIP model (models/clip-tiny) on generated, captioned images.

The data comes from the built `lancet sample-images` tool; the model is a small CLIP with exactly
the Hugging Face CLIPModel architecture and tensor names, written as config.json,
model.safetensors, vocab.json and merges.txt, so the C++ engine (src/lancet/embed) and
transformers load it unchanged. Plain PyTorch only (Debian's python3-torch); run with
/usr/bin/python3. Everything is reproducible from --seed.

    nice -n 10 /usr/bin/python3 tests/embed/train/train_clip.py \
        --lancet build/bin/lancet --out models/clip-tiny --work /tmp/clip-train
"""

import argparse
import json
import math
import os
import struct
import subprocess
import sys
import time

# The machine is shared: OpenMP threads must not spin while waiting, and OpenBLAS must not start a
# second pool of threads under torch's (oversubscription made steps ~10x slower in practice).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
COLORS = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown"]
OBJECTS = ["car", "house", "tree", "boat", "ball", "star", "fish", "heart"]
# Caption templates seen in training; the held-out evaluation queries "<color> <object>".
TEMPLATES = ["a {c} {o}", "{c} {o}", "a photo of a {c} {o}", "a picture of a {c} {o}",
             "an image of a {c} {o}", "the {c} {o}", "a drawing of a {c} {o}"]
EXTRA_WORDS = ["a", "an", "the", "photo", "picture", "image", "drawing", "of", "and", "with",
               "on", "in", "background", "color", "colour", "object", "shape", "small", "big"]


def log(msg, logfile=None):
    line = "[%s] %s" % (time.strftime("%H:%M:%S"), msg)
    print(line, flush=True)
    if logfile is not None:
        logfile.write(line + "\n")
        logfile.flush()


# ---- tokenizer: CLIP's byte-level BPE ---------------------------------------------------------

def bytes_to_unicode():
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) +
          list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def learn_merges(words):
    """Greedy BPE over the word list (each word once) until every word is a single symbol.
    Ties break on the lexicographically smallest pair, so the result is deterministic. Applying
    the merges in rank order (CLIP's algorithm) reproduces the training segmentation, so every
    word of the caption vocabulary becomes one token."""
    b2u = bytes_to_unicode()
    segs = {}
    for w in sorted(set(words)):
        sym = [b2u[b] for b in w.encode("utf-8")]
        segs[w] = tuple(sym[:-1]) + (sym[-1] + "</w>",)
    merges = []
    while True:
        counts = {}
        for s in segs.values():
            for p in zip(s, s[1:]):
                counts[p] = counts.get(p, 0) + 1
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        for w, s in segs.items():
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            segs[w] = tuple(out)
    return merges


class ClipTokenizer:
    """CLIP's tokenizer algorithm (lower-case, whitespace clean, pre-tokenizer, byte-level BPE)."""

    def __init__(self, merges):
        self.b2u = bytes_to_unicode()
        base = list(self.b2u.values())
        vocab = base + [v + "</w>" for v in base]
        vocab += ["".join(m) for m in merges]
        vocab += ["<|startoftext|>", "<|endoftext|>"]
        self.encoder = {t: i for i, t in enumerate(vocab)}
        assert len(self.encoder) == len(vocab), "duplicate vocabulary entries"
        self.merges = merges
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.bos = self.encoder["<|startoftext|>"]
        self.eos = self.encoder["<|endoftext|>"]

    @staticmethod
    def pretokenize(text):
        # CLIP's pattern: 's|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+ (captions are ASCII
        # here; str.isalpha/isnumeric stand in for \p{L}/\p{N}).
        text = " ".join(text.lower().split())
        out, i = [], 0
        while i < len(text):
            ch = text[i]
            if ch.isspace():
                i += 1
                continue
            matched = False
            for c in ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d"):
                if text.startswith(c, i):
                    out.append(c)
                    i += len(c)
                    matched = True
                    break
            if matched:
                continue
            if ch.isalpha():
                j = i
                while j < len(text) and text[j].isalpha():
                    j += 1
            elif ch.isnumeric():
                j = i + 1
            else:
                j = i
                while j < len(text) and not (text[j].isspace() or text[j].isalpha() or
                                             text[j].isnumeric()):
                    j += 1
            out.append(text[i:j])
            i = j
        return out

    def bpe(self, token):
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            bigram = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if bigram not in self.ranks:
                break
            first, second = bigram
            new, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new.extend(word[i:])
                    break
                new.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new.append(first + second)
                    i += 2
                else:
                    new.append(word[i])
                    i += 1
            word = tuple(new)
        return word

    def encode(self, text, context=77):
        ids = [self.bos]
        for tok in self.pretokenize(text):
            u = "".join(self.b2u[b] for b in tok.encode("utf-8"))
            ids += [self.encoder[t] for t in self.bpe(u)]
        ids = ids[:context - 1] + [self.eos]
        return ids + [self.eos] * (context - len(ids))

    def save(self, out_dir):
        with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
            json.dump(self.encoder, f, ensure_ascii=False)
        with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")
            for a, b in self.merges:
                f.write("%s %s\n" % (a, b))


# ---- model: the transformers CLIPModel architecture, same parameter names -------------------

class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x, mask=None):
        b, t, d = x.shape
        h = self.heads
        q = (self.q_proj(x) * (d // h) ** -0.5).view(b, t, h, -1).transpose(1, 2)
        k = self.k_proj(x).view(b, t, h, -1).transpose(1, 2)
        v = self.v_proj(x).view(b, t, h, -1).transpose(1, 2)
        att = q @ k.transpose(-1, -2)
        if mask is not None:
            att = att + mask
        y = att.softmax(-1) @ v
        return self.out_proj(y.transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, d, inner):
        super().__init__()
        self.fc1 = nn.Linear(d, inner)
        self.fc2 = nn.Linear(inner, d)

    def forward(self, x):
        x = self.fc1(x)
        return self.fc2(x * torch.sigmoid(1.702 * x))  # quick_gelu


class Layer(nn.Module):
    def __init__(self, d, heads, inner):
        super().__init__()
        self.self_attn = Attention(d, heads)
        self.layer_norm1 = nn.LayerNorm(d, eps=1e-5)
        self.mlp = Mlp(d, inner)
        self.layer_norm2 = nn.LayerNorm(d, eps=1e-5)

    def forward(self, x, mask=None):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, d, heads, inner, n):
        super().__init__()
        self.layers = nn.ModuleList([Layer(d, heads, inner) for _ in range(n)])

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask)
        return x


class TextEmbeddings(nn.Module):
    def __init__(self, vocab, d, ctx):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, d)
        self.position_embedding = nn.Embedding(ctx, d)


class TextTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.embeddings = TextEmbeddings(cfg["vocab_size"], d, cfg["max_position_embeddings"])
        self.encoder = Encoder(d, cfg["num_attention_heads"], cfg["intermediate_size"],
                               cfg["num_hidden_layers"])
        self.final_layer_norm = nn.LayerNorm(d, eps=1e-5)
        self.eos = cfg["eos_token_id"]

    def forward(self, ids):
        t = ids.shape[1]
        x = self.embeddings.token_embedding(ids) + self.embeddings.position_embedding.weight[:t]
        mask = torch.full((t, t), float("-inf")).triu(1)
        x = self.final_layer_norm(self.encoder(x, mask))
        pos = (ids == self.eos).int().argmax(-1)  # first <|endoftext|>
        return x[torch.arange(ids.shape[0]), pos]


class VisionEmbeddings(nn.Module):
    def __init__(self, d, patch, image):
        super().__init__()
        self.class_embedding = nn.Parameter(torch.randn(d) * d ** -0.5)
        self.patch_embedding = nn.Conv2d(3, d, patch, stride=patch, bias=False)
        self.position_embedding = nn.Embedding((image // patch) ** 2 + 1, d)


class VisionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.embeddings = VisionEmbeddings(d, cfg["patch_size"], cfg["image_size"])
        self.pre_layrnorm = nn.LayerNorm(d, eps=1e-5)
        self.encoder = Encoder(d, cfg["num_attention_heads"], cfg["intermediate_size"],
                               cfg["num_hidden_layers"])
        self.post_layernorm = nn.LayerNorm(d, eps=1e-5)

    def forward(self, pixels):
        e = self.embeddings
        x = e.patch_embedding(pixels).flatten(2).transpose(1, 2)
        cls = e.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], 1) + e.position_embedding.weight
        x = self.encoder(self.pre_layrnorm(x))
        return self.post_layernorm(x[:, 0])


class Clip(nn.Module):
    def __init__(self, config):
        super().__init__()
        tc, vc = config["text_config"], config["vision_config"]
        p = config["projection_dim"]
        self.text_model = TextTransformer(tc)
        self.vision_model = VisionTransformer(vc)
        self.visual_projection = nn.Linear(vc["hidden_size"], p, bias=False)
        self.text_projection = nn.Linear(tc["hidden_size"], p, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(config["logit_scale_init_value"]))
        self._init(config)

    def _init(self, config):
        # transformers' CLIPPreTrainedModel._init_weights, initializer_factor 1.
        for m in self.modules():
            if isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Embedding):
                nn.init.normal_(m.weight, std=0.02)
            elif isinstance(m, Attention):
                d = m.q_proj.in_features
                n = config["text_config"]["num_hidden_layers"]
                for lin in (m.q_proj, m.k_proj, m.v_proj):
                    nn.init.normal_(lin.weight, std=d ** -0.5 * (2 * n) ** -0.5)
                nn.init.normal_(m.out_proj.weight, std=d ** -0.5)
            elif isinstance(m, Mlp):
                d = m.fc1.in_features
                n = config["text_config"]["num_hidden_layers"]
                nn.init.normal_(m.fc1.weight, std=(2 * d) ** -0.5)
                nn.init.normal_(m.fc2.weight, std=d ** -0.5 * (2 * n) ** -0.5)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
        for m in (self.visual_projection, self.text_projection):
            nn.init.normal_(m.weight, std=m.in_features ** -0.5)
        ve = self.vision_model.embeddings
        nn.init.normal_(ve.patch_embedding.weight, std=0.02)
        nn.init.normal_(ve.position_embedding.weight, std=0.02)
        nn.init.normal_(ve.class_embedding, std=ve.class_embedding.shape[0] ** -0.5)

    def encode_image(self, pixels):
        return F.normalize(self.visual_projection(self.vision_model(pixels)), dim=-1)

    def encode_text(self, ids):
        return F.normalize(self.text_projection(self.text_model(ids)), dim=-1)


# ---- safetensors ------------------------------------------------------------------------------

def save_safetensors(path, tensors, dtype, metadata):
    np_dtype, name = {"F32": (np.float32, "F32"), "F16": (np.float16, "F16")}[dtype]
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for key in sorted(tensors):
        arr = np.ascontiguousarray(tensors[key].detach().cpu().numpy().astype("<" + np.dtype(
            np_dtype).str[1:]))
        raw = arr.tobytes()
        header[key] = {"dtype": name, "shape": list(arr.shape),
                       "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hj = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hj += b" " * ((8 - len(hj) % 8) % 8)  # align the data section to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for raw in blobs:
            f.write(raw)


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        dt = {"F32": np.float32, "F16": np.float16}[info["dtype"]]
        b, e = info["data_offsets"]
        arr = np.frombuffer(data[8 + n + b:8 + n + e], dtype=np.dtype(dt).newbyteorder("<"))
        out[key] = torch.from_numpy(arr.astype(np.float32).reshape(info["shape"]))
    return out


# ---- data -------------------------------------------------------------------------------------

def generate(lancet, out_dir, count, seed, size, logfile):
    cap = os.path.join(out_dir, "captions.jsonl")
    if os.path.exists(cap):
        with open(cap) as f:
            rows = [json.loads(l) for l in f]
        if len(rows) == count and rows and rows[0]["seed"] == seed:
            return rows
    cmd = [lancet, "sample-images", "--count", str(count), "--seed", str(seed), "--out", out_dir,
           "--size", str(size)]
    log("generating: " + " ".join(cmd), logfile)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(cap) as f:
        return [json.loads(l) for l in f]


def preprocess(path, size):
    """CLIP preprocessing: shortest side to `size` (bicubic), center crop, as uint8 CHW."""
    im = Image.open(path).convert("RGB")
    w, h = im.size
    s = size / min(w, h)
    nw, nh = max(size, round(w * s)), max(size, round(h * s))
    if (nw, nh) != (w, h):
        im = im.resize((nw, nh), Image.BICUBIC)
    left, top = (nw - size) // 2, (nh - size) // 2
    im = im.crop((left, top, left + size, top + size))
    return np.asarray(im, dtype=np.uint8).transpose(2, 0, 1).copy()


def load_set(rows, root, size):
    x = np.stack([preprocess(os.path.join(root, r["file"]), size) for r in rows])
    labels = np.array([COLORS.index(r["color"]) * len(OBJECTS) + OBJECTS.index(r["object"])
                       for r in rows], dtype=np.int64)
    return torch.from_numpy(x), torch.from_numpy(labels)


def normalize(u8):
    mean = torch.tensor(CLIP_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD).view(1, 3, 1, 1)
    return (u8.float() / 255.0 - mean) / std


def class_text(label, template="{c} {o}"):
    return template.format(c=COLORS[label // len(OBJECTS)], o=OBJECTS[label % len(OBJECTS)])


# ---- evaluation -------------------------------------------------------------------------------

def retrieval_metrics(img_emb, labels, txt_emb, k=5):
    """recall@k of "<color> <object>" text queries and image->image nearest-neighbour agreement.

    recall@k(q) = |relevant images among the top k| / min(k, number of relevant images), averaged
    over the queries whose class occurs in the set (so it is 1 only when the top k are all of the
    queried colour and object, or all relevant images are in the top k). This is stricter than
    the "at least one hit in the top k" rate."""
    sims = txt_emb @ img_emb.T
    recalls = []
    for q in range(txt_emb.shape[0]):
        n_rel = int((labels == q).sum())
        if n_rel == 0:
            continue
        top = sims[q].topk(k).indices
        recalls.append(float((labels[top] == q).sum()) / min(k, n_rel))
    ii = img_emb @ img_emb.T
    ii.fill_diagonal_(-2.0)
    nn_idx = ii.argmax(1)
    agree = float((labels[nn_idx] == labels).float().mean())
    return sum(recalls) / len(recalls), agree


# ---- main -------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--lancet", required=True, help="path of the built lancet tool")
    ap.add_argument("--out", default="models/clip-tiny")
    ap.add_argument("--work", default="/tmp/lancet-clip-train", help="generated data cache")
    ap.add_argument("--seed", type=int, default=20260)
    ap.add_argument("--train-count", type=int, default=8192, help="images per training size")
    ap.add_argument("--train-sizes", default="64,128", help="sizes the training images are drawn at")
    ap.add_argument("--eval-count", type=int, default=320)
    ap.add_argument("--eval-seed", type=int, default=777)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--max-minutes", type=float, default=15.0,
                    help="stop training early (cosine schedule is compressed) past this budget")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--loss", default="allclass", choices=["inbatch", "allclass"])
    ap.add_argument("--word-loss", type=float, default=0.5,
                    help="weight of the image vs bare object/colour name terms")
    ap.add_argument("--shorten-to", type=int, default=0,
                    help="at step 20, shorten the schedule to this many steps (as the time budget "
                         "does, but deterministically)")
    ap.add_argument("--stage", type=int, default=0,
                    help="offsets the seed of batches/augmentation in later stages of a schedule")
    ap.add_argument("--init-from", default="", help="model directory of an earlier stage")
    ap.add_argument("--dtype", default="F16", choices=["F16", "F32"])
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--patch", type=int, default=16)
    ap.add_argument("--image-size", type=int, default=64)
    args = ap.parse_args()

    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)
    logfile = open(os.path.join(args.out, "training_log.txt"), "w")
    log("args: " + json.dumps(vars(args), sort_keys=True), logfile)
    log("torch %s, numpy %s" % (torch.__version__, np.__version__), logfile)

    # Tokenizer: BPE over the caption vocabulary (+ a few function words) on top of all 256 byte
    # symbols, so any text tokenises and every caption word is one token.
    words = COLORS + OBJECTS + EXTRA_WORDS
    merges = learn_merges(words)
    tok = ClipTokenizer(merges)
    for w in words:
        assert len(tok.encode(w)[1:-1]) >= 1 and tok.encode(w)[2] == tok.eos, w
    log("vocabulary: %d ids (%d merges)" % (len(tok.encoder), len(merges)), logfile)

    d = args.hidden
    config = {
        "architectures": ["CLIPModel"],
        "model_type": "clip",
        "projection_dim": d,
        "logit_scale_init_value": math.log(1 / 0.07),
        "initializer_factor": 1.0,
        "torch_dtype": "float16" if args.dtype == "F16" else "float32",
        "text_config": {
            "model_type": "clip_text_model", "vocab_size": len(tok.encoder), "hidden_size": d,
            "intermediate_size": 4 * d, "num_hidden_layers": args.layers,
            "num_attention_heads": 4, "max_position_embeddings": 77, "hidden_act": "quick_gelu",
            "layer_norm_eps": 1e-5, "bos_token_id": tok.bos, "eos_token_id": tok.eos,
            "pad_token_id": tok.eos, "projection_dim": d},
        "vision_config": {
            "model_type": "clip_vision_model", "hidden_size": d, "intermediate_size": 4 * d,
            "num_hidden_layers": args.layers, "num_attention_heads": 4,
            "image_size": args.image_size, "patch_size": args.patch, "num_channels": 3,
            "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5, "projection_dim": d},
    }

    # Data.
    sizes = [int(s) for s in args.train_sizes.split(",")]
    xs, ys = [], []
    for i, size in enumerate(sizes):
        root = os.path.join(args.work, "train-%d-%d" % (args.seed + i, size))
        rows = generate(args.lancet, root, args.train_count, args.seed + i, size, logfile)
        x, y = load_set(rows, root, args.image_size)
        xs.append(x)
        ys.append(y)
    train_x, train_y = torch.cat(xs), torch.cat(ys)
    eval_root = os.path.join(args.work, "eval-%d-224" % args.eval_seed)
    eval_rows = generate(args.lancet, eval_root, args.eval_count, args.eval_seed, 224, logfile)
    eval_x, eval_y = load_set(eval_rows, eval_root, args.image_size)
    log("data: %d training images (sizes %s), %d held-out (seed %d); %.0f s" %
        (len(train_x), sizes, len(eval_x), args.eval_seed, time.time() - t_start), logfile)

    n_cls = len(COLORS) * len(OBJECTS)
    # Token ids of every (template, class) caption, truncated to the longest (the text tower is
    # causal, so positions after <|endoftext|> never influence the pooled output).
    all_ids = [[tok.encode(class_text(c, t)) for c in range(n_cls)] for t in TEMPLATES]
    ctx = max(ids.index(tok.eos) + 1 for per_t in all_ids for ids in per_t)
    template_ids = torch.tensor([[ids[:ctx] for ids in per_t] for per_t in all_ids])  # T x C x L
    word_ids = torch.tensor([tok.encode(w)[:ctx] for w in OBJECTS + COLORS])
    query_ids = torch.tensor([tok.encode(class_text(c))[:ctx] for c in range(n_cls)])

    model = Clip(config)
    if args.init_from:
        # Continue from an earlier run of this script (a stage of a multi-stage schedule).
        with open(os.path.join(args.init_from, "config.json")) as f:
            assert json.load(f) == json.loads(json.dumps(config)), "config differs from --init-from"
        model.load_state_dict(load_safetensors(os.path.join(args.init_from, "model.safetensors")))
        log("initialised from %s" % args.init_from, logfile)
    n_params = sum(p.numel() for p in model.parameters())
    log("model: %d parameters" % n_params, logfile)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embedding" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embedding" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    warmup = max(1, args.steps // 20)
    log("stage: %d steps%s" % (args.steps, " from " + args.init_from if args.init_from else ""),
        logfile)
    gen = torch.Generator().manual_seed(args.seed + 1000 * args.stage)

    def evaluate():
        model.eval()
        with torch.no_grad():
            img = torch.cat([model.encode_image(normalize(eval_x[i:i + 256]))
                             for i in range(0, len(eval_x), 256)])
            txt = model.encode_text(query_ids)
        model.train()
        return retrieval_metrics(img, eval_y, txt)

    step, t_train = 0, time.time()
    budget = args.max_minutes * 60 - (t_train - t_start)
    steps = args.steps
    while step < steps:
        lr_scale = min(1.0, (step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * step / steps))
        for g in opt.param_groups:
            g["lr"] = args.lr * lr_scale
        idx = torch.randint(0, len(train_x), (args.batch,), generator=gen)
        x = train_x[idx]
        # Light augmentation: brightness/contrast jitter that keeps hues, random 90-degree-free
        # shifts by up to 4 pixels (wrap-free: pad + crop).
        xf = x.float()
        gain = 1 + (torch.rand(len(x), 1, 1, 1, generator=gen) - 0.5) * 0.3
        bias = (torch.rand(len(x), 1, 1, 1, generator=gen) - 0.5) * 30
        xf = (xf * gain + bias).clamp(0, 255)
        pad = F.pad(xf, (4, 4, 4, 4), mode="replicate")
        ox, oy = torch.randint(0, 9, (2,), generator=gen).tolist()
        xf = pad[:, :, oy:oy + args.image_size, ox:ox + args.image_size]
        pixels = (xf / 255.0 - torch.tensor(CLIP_MEAN).view(1, 3, 1, 1)) / torch.tensor(
            CLIP_STD).view(1, 3, 1, 1)
        y = train_y[idx]
        tmpl = torch.randint(0, len(TEMPLATES), (len(y),), generator=gen)
        ids = template_ids[tmpl, y]
        img = model.encode_image(pixels)
        scale = model.logit_scale.exp().clamp(max=100)
        if args.loss == "inbatch":
            # CLIP's symmetric contrastive loss over the batch. Several images of a batch may
            # share a class: every caption of the image's class is a positive (soft targets).
            txt = model.encode_text(ids)
            logits = scale * img @ txt.T
            same = (y[:, None] == y[None, :]).float()
            loss = 0.5 * (F.cross_entropy(logits, same / same.sum(1, keepdim=True)) +
                          F.cross_entropy(logits.T, same / same.sum(0, keepdim=True).T))
        else:
            # "allclass": image -> text against the captions of all classes (one random template
            # per class and step), so every image is contrasted with every other colour/object
            # combination, not only those in the batch; text -> image over the batch as above.
            tmpl_all = torch.randint(0, len(TEMPLATES), (n_cls,), generator=gen)
            class_txt = model.encode_text(template_ids[tmpl_all, torch.arange(n_cls)])
            loss_i2t = F.cross_entropy(scale * img @ class_txt.T, y)
            if args.word_loss > 0:
                # The same against the bare object names and the bare colour names: a factored
                # signal that makes the shape (the hard part) learnt faster.
                words_txt = model.encode_text(word_ids)
                no = len(OBJECTS)
                loss_i2t = loss_i2t + args.word_loss * (
                    F.cross_entropy(scale * img @ words_txt[:no].T, y % no) +
                    F.cross_entropy(scale * img @ words_txt[no:].T, y // no))
            txt = class_txt[y]
            same = (y[:, None] == y[None, :]).float()
            loss_t2i = F.cross_entropy(scale * txt @ img.T, same / same.sum(1, keepdim=True))
            loss = 0.5 * (loss_i2t + loss_t2i)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        elapsed = time.time() - t_train
        if step == 20 and args.shorten_to > 0:
            steps = args.shorten_to  # replays a run that the time budget shortened (see README)
            log("schedule shortened to %d steps (--shorten-to)" % steps, logfile)
        elif step == 20 and elapsed / 20 * steps > budget:
            steps = max(step + 1, int(budget / (elapsed / 20)))
            log("time budget: training shortened to %d steps" % steps, logfile)
        if step % 25 == 0 or step == steps:
            msg = "step %d/%d loss %.4f scale %.1f lr %.2e %.1f s" % (
                step, steps, loss.item(), scale.item(), args.lr * lr_scale, elapsed)
            if step % 100 == 0 or step == steps:
                r5, agree = evaluate()
                msg += " | held-out recall@5 %.3f img-img %.3f" % (r5, agree)
            log(msg, logfile)

    train_seconds = time.time() - t_train
    r5, agree = evaluate()
    log("final held-out (seed %d, %d images at 224 px): recall@5 %.4f, image->image NN "
        "agreement %.4f" % (args.eval_seed, len(eval_x), r5, agree), logfile)

    # Export in the Hugging Face layout.
    sd = model.state_dict()
    meta = {"format": "pt", "producer": "lancet tests/embed/train/train_clip.py",
            "seed": str(args.seed)}
    save_safetensors(os.path.join(args.out, "model.safetensors"), sd, args.dtype, meta)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    tok.save(args.out)
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "CLIPTokenizer", "model_max_length": 77,
                   "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                   "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
                   "do_lower_case": True}, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "special_tokens_map.json"), "w") as f:
        json.dump({"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                   "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "preprocessor_config.json"), "w") as f:
        json.dump({"image_processor_type": "CLIPImageProcessor", "do_resize": True,
                   "size": {"shortest_edge": args.image_size}, "resample": 3,
                   "do_center_crop": True,
                   "crop_size": {"height": args.image_size, "width": args.image_size},
                   "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
                   "image_mean": list(CLIP_MEAN), "image_std": list(CLIP_STD),
                   "do_convert_rgb": True}, f, indent=2)
        f.write("\n")

    # Re-load the exported weights (as stored, e.g. F16) and evaluate again.
    reloaded = Clip(config)
    reloaded.load_state_dict(load_safetensors(os.path.join(args.out, "model.safetensors")))
    model = reloaded
    r5_x, agree_x = evaluate()
    log("exported %s weights: recall@5 %.4f, image->image agreement %.4f" %
        (args.dtype, r5_x, agree_x), logfile)
    summary = {"seed": args.seed, "steps": step, "batch": args.batch, "parameters": n_params,
               "train_images": len(train_x), "train_sizes": sizes,
               "eval_seed": args.eval_seed, "eval_images": len(eval_x),
               "recall_at_5": round(r5_x, 4), "image_nn_agreement": round(agree_x, 4),
               "train_seconds": round(train_seconds, 1),
               "total_seconds": round(time.time() - t_start, 1), "torch": torch.__version__}
    with open(os.path.join(args.out, "training_summary.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    log("summary: " + json.dumps(summary, sort_keys=True), logfile)
    return 0 if (r5_x >= 0.9 and agree_x >= 0.9) else 1


if __name__ == "__main__":
    sys.exit(main())
