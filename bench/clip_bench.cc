// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// CLIP engine throughput: images/s and texts/s of lancet's ClipModel at batch 1 and 8, the sgemm
// FLOP rate of this machine (measured here, at the GEMM shapes the towers use), the fraction of
// it the towers reach, and the same model run by the PyTorch reference (tests/embed/
// clip_torch_bench.py) at the same thread count. Prints one JSON object: every rate both per
// wall-clock second and per CPU second of the process (the latter depends much less on a shared,
// loaded machine), the ratios lancet / PyTorch for both, and the sgemm rate (OpenBLAS's own
// threading at `--threads`) measured before and after the lancet runs.
//
//   clip_bench --model DIR [--threads N] [--seconds S] [--no-torch]
//
// DIR is a CLIP checkpoint, e.g. ViT-B/32-shaped random weights written by
//   /usr/bin/python3 tests/embed/make_random_clip.py /tmp/clip-b32 --preset b32
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bench_util.h"
#include "lancet/core/memory.h"
#include "lancet/embed/clip_model.h"
#include "lancet/embed/tokenizer.h"

#ifndef LANCET_SOURCE_DIR_DEFAULT
#define LANCET_SOURCE_DIR_DEFAULT "."
#endif

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Items per wall-clock second and per CPU second of the whole process (all threads). On a shared,
// loaded machine the wall rate drops with the share of the cores the process gets; the CPU rate
// much less so.
struct Rates {
  double wall = 0, cpu = 0;
};

template <typename F>
Rates Rate(F&& fn, size_t per_call, double seconds) {
  fn();  // warm-up
  auto t0 = Clock::now();
  const double c0 = CpuSeconds();
  size_t done = 0;
  while (true) {
    fn();
    done += per_call;
    const double dt = Seconds(t0);
    if (dt >= seconds) return {done / dt, done / std::max(1e-9, CpuSeconds() - c0)};
  }
}

// FLOP rate of one sgemm shape (rows x out x in) on OpenBLAS with `threads` threads, GFLOP/s
// (wall and per CPU second).
Rates SgemmRate(int m, int n, int k, int threads, double seconds) {
  const int before = openblas_get_num_threads();
  openblas_set_num_threads(threads);
  std::vector<float> a(static_cast<size_t>(m) * k), b(static_cast<size_t>(n) * k),
      c(static_cast<size_t>(m) * n);
  std::mt19937 rng(1);
  std::normal_distribution<float> nd;
  for (float& x : a) x = nd(rng);
  for (float& x : b) x = nd(rng);
  const double per = 2.0 * m * n * k;
  const Rates calls = Rate(
      [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a.data(), k, b.data(),
                    k, 0.0f, c.data(), n);
      },
      1, seconds);
  openblas_set_num_threads(before);
  return {calls.wall * per / 1e9, calls.cpu * per / 1e9};
}

// Multiply-adds of a pre-LN encoder layer for T tokens (x2 = FLOPs).
double LayerFlops(double T, double d, double mlp) {
  return 2.0 * T * (4 * d * d + 2 * d * mlp) + 2.0 * 2 * T * T * d;
}

}  // namespace

int main(int argc, char** argv) {
  lancet::RetainLargeAllocations();  // as the CLI does (lancet/core/memory.h)
  std::string model_dir;
  int threads = 2;
  double seconds = 3.0;
  bool torch = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) {
      model_dir = argv[++i];
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--no-torch") {
      torch = false;
    } else {
      std::cerr << "usage: clip_bench --model DIR [--threads N] [--seconds S] [--no-torch]\n";
      return 2;
    }
  }
  if (model_dir.empty()) {
    std::cerr << "clip_bench: --model DIR is required (see the header of bench/clip_bench.cc)\n";
    return 2;
  }
  lancet::embed::ClipOptions opt;
  opt.num_threads = threads;
  opt.batch_size = 8;
  auto t_load = Clock::now();
  auto loaded = lancet::embed::ClipModel::Load(model_dir, opt);
  if (!loaded.ok()) {
    std::cerr << "clip_bench: " << loaded.status().ToString() << "\n";
    return 1;
  }
  const double load_s = Seconds(t_load);
  auto& m = **loaded;
  const auto& c = m.config();
  const int S = c.image_size, g = S / c.patch_size, T_img = g * g + 1;
  const std::string text = "a photo of a blue car parked on a street next to a red brick building";
  const int T_txt = m.tokenizer().Encode(text).length;
  // FLOPs per input (matrix products only; what the sgemm rate applies to).
  const double img_flops =
      c.vision.num_layers * LayerFlops(T_img, c.vision.hidden_size, c.vision.intermediate_size) +
      2.0 * g * g * 3 * c.patch_size * c.patch_size * c.vision.hidden_size;
  const double txt_flops_full =
      c.text.num_layers *
      LayerFlops(c.max_position_embeddings, c.text.hidden_size, c.text.intermediate_size);
  const double txt_flops_run =
      c.text.num_layers * LayerFlops(T_txt, c.text.hidden_size, c.text.intermediate_size);

  nlohmann::json out;
  out["model"] = model_dir;
  out["threads"] = threads;
  out["load_seconds"] = load_s;
  out["image_gflop_per_image"] = img_flops / 1e9;
  out["text_gflop_per_text_77_tokens"] = txt_flops_full / 1e9;
  out["text_tokens_in_benchmark_text"] = T_txt;
  // The machine's sgemm rate (OpenBLAS's own threading, `threads` threads) at the vision MLP
  // shape (batch 8: 8*T rows), measured before and after the lancet runs (the mean is the
  // reference; the two values show how much the machine's load drifted meanwhile).
  const Rates sgemm_before =
      SgemmRate(8 * T_img, c.vision.intermediate_size, c.vision.hidden_size, threads, seconds);

  std::vector<float> pixels(static_cast<size_t>(8) * 3 * S * S);
  std::mt19937 rng(2);
  std::normal_distribution<float> nd;
  for (float& x : pixels) x = nd(rng);
  std::vector<std::pair<std::string, Rates>> lancet;  // key suffix -> rates
  std::vector<std::pair<std::string, double>> flops;  // key suffix -> FLOPs per item
  for (int b : {1, 8}) {
    const Rates ips = Rate(
        [&] {
          auto r = m.EmbedPixels(pixels.data(), b);
          if (!r.ok()) std::abort();
        },
        b, seconds);
    std::vector<std::string> texts(b, text);
    const Rates tps = Rate(
        [&] {
          auto r = m.EmbedTexts(texts);
          if (!r.ok()) std::abort();
        },
        b, seconds);
    const std::string sb = "_b" + std::to_string(b);
    lancet.push_back({"images_per_s" + sb, ips});
    flops.push_back({"images_per_s" + sb, img_flops});
    lancet.push_back({"texts_per_s" + sb, tps});
    flops.push_back({"texts_per_s" + sb, txt_flops_run});
  }
  // Texts padded to the full 77-token context (what an engine without length trimming runs).
  {
    std::string long_text;
    for (int i = 0; i < 80; ++i) long_text += "word ";
    std::vector<std::string> texts(8, long_text);
    const Rates tps = Rate(
        [&] {
          auto r = m.EmbedTexts(texts);
          if (!r.ok()) std::abort();
        },
        8, seconds);
    lancet.push_back({"texts_per_s_b8_77_tokens", tps});
    flops.push_back({"texts_per_s_b8_77_tokens", txt_flops_full});
  }
  const Rates sgemm_after =
      SgemmRate(8 * T_img, c.vision.intermediate_size, c.vision.hidden_size, threads, seconds);
  const double sgemm = (sgemm_before.wall + sgemm_after.wall) / 2;
  const double sgemm_cpu = (sgemm_before.cpu + sgemm_after.cpu) / 2;
  out["sgemm_gflops"] = sgemm;
  out["sgemm_gflops_before_after"] = {sgemm_before.wall, sgemm_after.wall};
  out["sgemm_gflop_per_cpu_s"] = sgemm_cpu;
  for (size_t i = 0; i < lancet.size(); ++i) {
    const std::string& key = lancet[i].first;
    const Rates& r = lancet[i].second;
    std::string frac = key;  // images_per_s_b8 -> image_fraction_of_sgemm_b8
    frac.replace(0, frac.find("_per_s"), key[0] == 'i' ? "image" : "text");
    frac.replace(frac.find("_per_s"), 6, "_fraction_of_sgemm");
    out["lancet_" + key] = r.wall;
    out["lancet_" + key.substr(0, key.find("_per_s")) + "_per_cpu_s" +
        key.substr(key.find("_per_s") + 6)] = r.cpu;
    out["lancet_" + frac] = r.wall * flops[i].second / 1e9 / sgemm;
    out["lancet_" + frac + "_cpu"] = r.cpu * flops[i].second / 1e9 / sgemm_cpu;
  }
  if (torch) {
    const std::string cmd = std::string("/usr/bin/python3 ") + LANCET_SOURCE_DIR_DEFAULT +
                            "/tests/embed/clip_torch_bench.py " + model_dir + " --threads " +
                            std::to_string(threads) + " --seconds " + std::to_string(seconds);
    int code = 0;
    const std::string text_out = lancet::bench::RunCommand(cmd, &code);
    auto tj = nlohmann::json::parse(text_out, nullptr, false);
    if (tj.is_object()) {
      out["torch"] = tj;
      for (int b : {1, 8}) {
        const std::string sb = "_b" + std::to_string(b);
        for (const char* what : {"images", "texts"}) {
          for (const char* per : {"_per_s", "_per_cpu_s"}) {
            const std::string key = std::string(what) + per + sb;
            if (tj.contains(key) && out.contains("lancet_" + key)) {
              out[std::string("ratio_") + what + (per[5] == 'c' ? "_cpu" : "") + sb] =
                  out["lancet_" + key].get<double>() / tj[key].get<double>();
            }
          }
        }
      }
    } else {
      out["torch_error"] = "could not run " + cmd;
    }
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}
