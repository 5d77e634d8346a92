# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The lancet authors
"""PyTorch side of bench/clip_bench.cc: images/s and texts/s of the reference CLIP
(clip_reference.py, plain torch f32 eager) on a checkpoint, at a thread count and batch sizes.

  /usr/bin/python3 clip_torch_bench.py MODEL_DIR --threads N --batches 1,8 --seconds S
Prints one JSON object: <what>_per_s_b<B> (wall clock) and <what>_per_cpu_s_b<B> (per CPU second
of the process, less sensitive to a loaded machine). Runs under torch.inference_mode().
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_reference as ref  # noqa: E402


def rate(fn, n, seconds):
    """Items per wall-clock second and per CPU second of the process (all threads)."""
    fn()  # warm-up
    t0, c0, done = time.perf_counter(), time.process_time(), 0
    while True:
        fn()
        done += n
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return done / dt, done / max(1e-9, time.process_time() - c0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = ref.ClipReference(a.model)
    tok = ref.ClipTokenizer(os.path.join(a.model, "vocab.json"), os.path.join(a.model, "merges.txt"))
    S = m.vc["image_size"]
    out = {"torch_version": torch.__version__, "threads": a.threads}
    text = "a photo of a blue car parked on a street next to a red brick building"
    for b in [int(x) for x in a.batches.split(",")]:
        px = torch.randn(b, 3, S, S, generator=torch.Generator().manual_seed(0))
        ids = [tok.encode(text)[0]] * b
        with torch.inference_mode():
            w, c = rate(lambda: m.encode_image(px), b, a.seconds)
            out[f"images_per_s_b{b}"], out[f"images_per_cpu_s_b{b}"] = w, c
            w, c = rate(lambda: m.encode_text(ids), b, a.seconds)
            out[f"texts_per_s_b{b}"], out[f"texts_per_cpu_s_b{b}"] = w, c
    print(json.dumps(out))


if __name__ == "__main__":
    main()
