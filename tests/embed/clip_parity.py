# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The lancet authors
"""ctest embed_parity_test: lancet's CLIP engine against the PyTorch reference (clip_reference.py).

1. Writes seeded random checkpoints (make_random_clip.py): ViT-B/32 shapes (F16, legacy argmax
   eos pooling, quick_gelu), and small variants (F32 + gelu + eos_token_id pooling; patch 16;
   patch 14). The B/32 one is cached in --work while the generator scripts are unchanged.
2. Tokenizer: a few hundred strings (punctuation, unicode, whitespace, over-long) must give the
   same ids and lengths as the reference tokenizer.
3. Text embeddings: lancet EmbedTexts vs reference on the reference token ids, cosine >= 0.9999.
4. Image embeddings: images written with PIL (PNG/RGBA/grey/palette, JPEG with EXIF orientation,
   GIF, WebP, odd sizes) go through lancet's file path; the reference model runs on the pixels
   lancet preprocessed (cosine >= 0.9999), and the preprocessing itself is compared with a
   PIL-based CLIPImageProcessor-like reference (mean abs difference bound; different bicubic
   implementations, so not bit-exact).
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import clip_reference as ref  # noqa: E402
import make_random_clip  # noqa: E402

COS_MIN = 0.9999


def test_strings():
    s = [
        "a photo of a dog", "A PHOTO OF A CAT", "blue car", "", " ", "   leading and trailing   ",
        "hello, world!", "it's a dog's life; they're here, we've gone, I'm ok, you'll see, he'd go",
        "IT'S LOUD", "don't", "rock'n'roll", "'s 't 're 've 'm 'll 'd", "''''", "a'b'c",
        "<|startoftext|>", "<|endoftext|>", "text <|endoftext|> more", "x<|startoftext|>y",
        "a.<|endoftext|>", "<|endoftext", "<|weird|>",
        "numbers 123 4567 89.01 1,000,000 ½ ² ٣ ४ 一二三 Ⅻ", "v1.2.3-beta+build.5",
        "email@example.com http://example.com/path?q=1&r=2#frag", "C++ and C# and F#",
        "tabs\tand\nnewlines\r\nand\u00a0nbsp\u2003emsp\u3000ideographic", "multiple     spaces",
        "Résumé café naïve façade", "Ärger Öl Übermut STRASSE straße", "e\u0301 (combining) vs é",
        "Ελληνικά ΚΕΙΜΕΝΑ ΟΔΟΣ", "Русский ТЕКСТ", "日本語のテキスト", "中文文本，标点。", "한국어 텍스트",
        "العربية", "עברית", "हिन्दी", "ไทย", "emoji 🙂🚗🐶 ❤️ 👨‍👩‍👧", "flags 🇩🇪🇫🇷",
        "ﬁ ligature ＦＵＬＬＷＩＤＴＨ １２３", "zero\u200bwidth\u200dthings\ufeff", "ctrl\x01\x02\x7fchars",
        "nul\x00byte", "replacement \ufffd char", "İstanbul", "ǅ titlecase", "ß ẞ", "ΣΑΣ σας",
        "!!!???...", "---", "(((nested)))", "$100 €50 £20 ¥1000", "50% off!!!", "#hashtag @mention",
        "snake_case_name camelCaseName", "x" * 300, "word " * 100, "a, " * 60,
        "supercalifragilisticexpialidocious " * 10, "日本" * 100, "🙂" * 90,
    ]
    rng = random.Random(1234)
    pools = [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789", " \t\n", ".,;:!?'\"()[]{}<>-_/\\|@#$%^&*+=~`",
        "éèêëàâäôöûüçñßøåæœÉÈÀÇÑ", "αβγδεζηθΑΒΓΔΣσςπΩ", "абвгдеёжзАБВГДЖ", "日本語中文字漢한국어",
        "🙂🚗🐶❤️👍🏽", "\u0301\u0308\u200d\u00a0\u2028", "½²³٣४Ⅻ①",
    ]
    words = ["photo", "dog", "the", "there's", "it's", "car", "blue", "red", "of", "a", "on"]
    while len(s) < 320:
        kind = rng.random()
        if kind < 0.4:
            s.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))))
        else:
            n = rng.randint(1, 60)
            s.append("".join(rng.choice(rng.choice(pools)) for _ in range(n)))
    # Over-long random texts.
    for _ in range(10):
        s.append(" ".join(rng.choice(words) for _ in range(rng.randint(60, 200))))
    return s


def write_images(d, size):
    from PIL import Image
    os.makedirs(d, exist_ok=True)
    rng = np.random.RandomState(7)
    paths = []

    def smooth(h, w, c):
        # Smooth random content (random noise would make every resampler look different).
        base = rng.rand(max(2, h // 16), max(2, w // 16), c) * 255
        img = Image.fromarray(base.astype(np.uint8).squeeze() if c == 1 else base.astype(np.uint8))
        return img.resize((w, h), Image.BILINEAR)

    def add(name, img, **kw):
        p = os.path.join(d, name)
        img.save(p, **kw)
        paths.append(p)

    add("rgb_wide.png", smooth(300, 500, 3))
    add("rgb_tall.jpg", smooth(640, 360, 3), quality=95)
    rgba = smooth(256, 256, 3).convert("RGBA")
    a = np.array(rgba)
    a[:, :128, 3] = 0
    a[:, 128:, 3] = 128
    add("rgba_half.png", Image.fromarray(a))
    add("grey.png", smooth(200, 260, 1).convert("L"))
    add("palette.gif", smooth(180, 240, 3).convert("P", palette=Image.ADAPTIVE))
    add("small_upscale.png", smooth(40, 70, 3))
    add("exact.png", smooth(size, size, 3))
    try:
        add("photo.webp", smooth(333, 222, 3), quality=95)
    except Exception:  # PIL without WebP
        pass
    # EXIF orientation 6 (rotate 90 CW to display).
    img = smooth(240, 320, 3)
    exif = Image.Exif()
    exif[0x0112] = 6
    add("exif6.jpg", img, quality=95, exif=exif.tobytes())
    return paths


def cosines(a, b):
    a, b = torch.as_tensor(np.asarray(a, dtype=np.float32)), torch.as_tensor(np.asarray(b, dtype=np.float32))
    return torch.nn.functional.cosine_similarity(a, b, dim=-1)


def run_tool(tool, model, work, req):
    rq, rs = os.path.join(work, "req.json"), os.path.join(work, "resp.json")
    with open(rq, "w") as f:
        json.dump(req, f)
    t0 = time.time()
    subprocess.run([tool, model, rq, rs], check=True)
    dt = time.time() - t0
    with open(rs) as f:
        return json.load(f), dt


def generator_digest():
    h = hashlib.sha256()
    for n in ("make_random_clip.py", "clip_reference.py"):
        with open(os.path.join(HERE, n), "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def ensure_model(work, name, **kw):
    d = os.path.join(work, name)
    stamp = os.path.join(d, "STAMP")
    want = generator_digest() + json.dumps(kw, sort_keys=True)
    if os.path.exists(stamp) and open(stamp).read() == want:
        return d
    shutil.rmtree(d, ignore_errors=True)
    make_random_clip.make(d, **kw)
    with open(stamp, "w") as f:
        f.write(want)
    return d


def check_model(tool, work, name, strings, texts, images, failures, **kw):
    t0 = time.time()
    model = ensure_model(work, name, **kw)
    print(f"[{name}] checkpoint ready in {time.time() - t0:.1f}s", flush=True)
    reference = ref.ClipReference(model)
    tok = ref.ClipTokenizer(os.path.join(model, "vocab.json"), os.path.join(model, "merges.txt"))
    pixels_out = os.path.join(work, name + "_pixels.f32")
    req = {"tokenize": strings, "texts": texts, "images": images, "pixels_out": pixels_out,
           "threads": 2}
    resp, dt = run_tool(tool, model, work, req)
    print(f"[{name}] lancet ran in {dt:.1f}s", flush=True)

    # Tokenizer.
    bad = 0
    for s, ids, n in zip(strings, resp["tokens"], resp["lengths"]):
        rids, rn = tok.encode(s)
        if ids != rids or n != rn:
            bad += 1
            if bad <= 5:
                print(f"  token mismatch for {s[:60]!r}:\n    lancet {ids[:n]}\n    ref    {rids[:rn]}")
    print(f"[{name}] tokenizer: {len(strings) - bad}/{len(strings)} strings identical")
    if bad:
        failures.append(f"{name}: {bad} tokenizer mismatches")

    # Text tower.
    ids = [tok.encode(t)[0] for t in texts]
    t0 = time.time()
    rt = reference.encode_text(ids)
    c = cosines(resp["text_emb"], rt)
    print(f"[{name}] text: min cosine {c.min().item():.7f} over {len(texts)} texts "
          f"(reference {time.time() - t0:.1f}s)")
    if c.min().item() < COS_MIN:
        failures.append(f"{name}: text cosine {c.min().item()}")

    # Vision tower on lancet's preprocessed pixels.
    S = reference.vc["image_size"]
    px = np.fromfile(pixels_out, dtype=np.float32).reshape(len(images), 3, S, S)
    t0 = time.time()
    ri = reference.encode_image(px)
    c = cosines(resp["image_emb"], ri)
    print(f"[{name}] image: min cosine {c.min().item():.7f} over {len(images)} images "
          f"(reference {time.time() - t0:.1f}s)")
    if c.min().item() < COS_MIN:
        failures.append(f"{name}: image cosine {c.min().item()}")

    # Preprocessing vs PIL.
    for i, p in enumerate(images):
        rp = ref.preprocess_image(p, S).numpy()
        diff = np.abs(rp - px[i])
        mean = float(diff.mean())
        print(f"[{name}] preprocess {os.path.basename(p)}: mean |lancet - PIL| = {mean:.4f} "
              f"(normalised units; 1/255 grey level = {1 / 255 / 0.27:.4f}), max {diff.max():.3f}")
        if mean > 0.05:
            failures.append(f"{name}: preprocessing of {p} differs from PIL by {mean}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--skip-b32", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    torch.set_num_threads(2)
    strings = test_strings()
    texts = ["a photo of a dog", "blue car", "", "It's a DOG'S life!", "日本語のテキスト 🙂",
             "word " * 100, "<|endoftext|> inside", "numbers 1 2 3"]
    failures = []
    variants = [
        ("tiny_gelu_eosid", dict(preset="tiny", seed=1, dtype="F32", eos="id", act="gelu"), 64),
        ("tiny_patch16", dict(preset="tiny16", seed=2, dtype="F16"), 48),
        ("tiny_patch14", dict(preset="tiny14", seed=3, dtype="F16", eos="id"), 56),
    ]
    if not a.skip_b32:
        variants.append(("b32_random", dict(preset="b32", seed=0, dtype="F16"), 224))
    for name, kw, size in variants:
        images = write_images(os.path.join(a.work, f"images_{size}"), size)
        check_model(a.tool, a.work, name, strings, texts, images, failures, **kw)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
