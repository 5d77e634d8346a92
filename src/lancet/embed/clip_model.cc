// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/clip_model.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

#include "lancet/embed/image_preprocess.h"
#include "lancet/embed/safetensors.h"
#include "lancet/embed/tokenizer.h"
#include "lancet/embed/transformer_internal.h"

namespace lancet::embed {

using internal::LayerNormParams;
using internal::Linear;
using internal::TowerWeights;

// ---- config ---------------------------------------------------------------------------------

namespace {

Status ReadTower(const nlohmann::json& j, ClipConfig::Tower* t, const char* name) {
  auto geti = [&](const char* key, int* v) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Status::OK();
    if (!it->is_number_integer()) {
      return Status::InvalidArgument(std::string("config.json: ") + name + "." + key +
                                     " is not an integer");
    }
    *v = it->get<int>();
    return Status::OK();
  };
  LANCET_RETURN_NOT_OK(geti("hidden_size", &t->hidden_size));
  LANCET_RETURN_NOT_OK(geti("intermediate_size", &t->intermediate_size));
  LANCET_RETURN_NOT_OK(geti("num_hidden_layers", &t->num_layers));
  LANCET_RETURN_NOT_OK(geti("num_attention_heads", &t->num_heads));
  if (auto it = j.find("layer_norm_eps"); it != j.end() && it->is_number()) {
    t->layer_norm_eps = it->get<double>();
  }
  if (auto it = j.find("hidden_act"); it != j.end() && it->is_string()) {
    const std::string act = it->get<std::string>();
    if (act == "quick_gelu") {
      t->quick_gelu = true;
    } else if (act == "gelu") {
      t->quick_gelu = false;
    } else {
      return Status::NotSupported(std::string("config.json: ") + name + ".hidden_act '" + act +
                                  "' (supported: quick_gelu, gelu)");
    }
  }
  const ClipConfig::Tower& c = *t;
  auto in_range = [](int v, int lo, int hi) { return v >= lo && v <= hi; };
  if (!in_range(c.hidden_size, 1, 16384) || !in_range(c.intermediate_size, 1, 65536) ||
      !in_range(c.num_layers, 1, 256) || !in_range(c.num_heads, 1, 1024) ||
      c.hidden_size % c.num_heads != 0) {
    return Status::InvalidArgument(std::string("config.json: implausible ") + name + " shape");
  }
  return Status::OK();
}

}  // namespace

Result<ClipConfig> ClipConfig::FromJson(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("config.json is not a JSON object");
  }
  ClipConfig c;
  // transformers' CLIPTextConfig / CLIPVisionConfig defaults (ViT-B/32).
  c.text = {512, 2048, 12, 8, 1e-5, true};
  c.vision = {768, 3072, 12, 12, 1e-5, true};
  auto sub = [&](const char* a, const char* b) -> nlohmann::json {
    if (auto it = j.find(a); it != j.end() && it->is_object()) return *it;
    if (auto it = j.find(b); it != j.end() && it->is_object()) return *it;
    return nlohmann::json::object();
  };
  const nlohmann::json tj = sub("text_config", "text_config_dict");
  const nlohmann::json vj = sub("vision_config", "vision_config_dict");
  LANCET_RETURN_NOT_OK(ReadTower(tj, &c.text, "text_config"));
  LANCET_RETURN_NOT_OK(ReadTower(vj, &c.vision, "vision_config"));
  auto geti = [](const nlohmann::json& o, const char* key, int* v) {
    if (auto it = o.find(key); it != o.end() && it->is_number_integer()) *v = it->get<int>();
  };
  geti(j, "projection_dim", &c.projection_dim);
  geti(tj, "vocab_size", &c.vocab_size);
  geti(tj, "max_position_embeddings", &c.max_position_embeddings);
  geti(tj, "eos_token_id", &c.eos_token_id);
  geti(vj, "image_size", &c.image_size);
  geti(vj, "patch_size", &c.patch_size);
  geti(vj, "num_channels", &c.num_channels);
  if (c.projection_dim < 1 || c.projection_dim > 16384 || c.vocab_size < 1 ||
      c.vocab_size > 10'000'000 || c.max_position_embeddings < 2 ||
      c.max_position_embeddings > 4096 || c.patch_size < 1 || c.image_size < c.patch_size ||
      c.image_size > 4096 || c.image_size % c.patch_size != 0 || c.num_channels != 3) {
    return Status::InvalidArgument("config.json: implausible CLIP shapes");
  }
  return c;
}

// ---- model ----------------------------------------------------------------------------------

struct ClipModel::Impl {
  ClipConfig config;
  ClipOptions options;
  std::unique_ptr<ClipTokenizer> tokenizer;
  // Text tower.
  TowerWeights text;
  std::vector<float> token_embedding;     // vocab x d
  std::vector<float> text_pos_embedding;  // ctx x d
  LayerNormParams final_ln;
  std::vector<float> text_projection;  // P x d
  // Vision tower.
  TowerWeights vision;
  std::vector<float> class_embedding;       // d
  std::vector<float> patch_weight;          // d x (3 p p)
  std::vector<float> vision_pos_embedding;  // (N+1) x d
  LayerNormParams pre_ln, post_ln;
  std::vector<float> visual_projection;  // P x d

  std::mutex mu;
  internal::Scratch scratch;
  std::unique_ptr<internal::ThreadPool> thread_pool;

  int num_patches() const {
    const int g = config.image_size / config.patch_size;
    return g * g;
  }
  void TextBatch(const std::vector<std::vector<int>>& ids, size_t begin, size_t end,
                 std::vector<std::vector<float>>* out);
  void VisionBatch(const float* pixels, size_t n, std::vector<std::vector<float>>* out);
};

namespace {

class WeightLoader {
 public:
  explicit WeightLoader(const SafeTensorsFile& f) : f_(f) {}
  Status Get(const std::string& name, std::vector<int64_t> shape, std::vector<float>* out) {
    auto r = f_.ReadFloat(name, shape);
    if (!r.ok()) return r.status().WithContext("model.safetensors");
    *out = std::move(r).ValueOrDie();
    return Status::OK();
  }
  Status GetLinear(const std::string& prefix, int out_dim, int in_dim, Linear* l,
                   bool bias = true) {
    l->in = in_dim;
    l->out = out_dim;
    LANCET_RETURN_NOT_OK(Get(prefix + ".weight", {out_dim, in_dim}, &l->w));
    if (bias) {
      LANCET_RETURN_NOT_OK(Get(prefix + ".bias", {out_dim}, &l->b));
    } else {
      l->b.assign(out_dim, 0.0f);
    }
    return Status::OK();
  }
  Status GetLn(const std::string& prefix, int d, double eps, LayerNormParams* ln) {
    ln->eps = static_cast<float>(eps);
    LANCET_RETURN_NOT_OK(Get(prefix + ".weight", {d}, &ln->gamma));
    return Get(prefix + ".bias", {d}, &ln->beta);
  }
  Status GetTower(const std::string& prefix, const ClipConfig::Tower& c, TowerWeights* t) {
    const int d = c.hidden_size;
    t->hidden = d;
    t->heads = c.num_heads;
    t->intermediate = c.intermediate_size;
    t->quick_gelu = c.quick_gelu;
    t->layers.resize(c.num_layers);
    const float scale = 1.0f / std::sqrt(static_cast<float>(d / c.num_heads));
    for (int i = 0; i < c.num_layers; ++i) {
      const std::string p = prefix + ".encoder.layers." + std::to_string(i) + ".";
      internal::LayerWeights& L = t->layers[i];
      LANCET_RETURN_NOT_OK(GetLn(p + "layer_norm1", d, c.layer_norm_eps, &L.ln1));
      LANCET_RETURN_NOT_OK(GetLn(p + "layer_norm2", d, c.layer_norm_eps, &L.ln2));
      Linear q, k, v;
      LANCET_RETURN_NOT_OK(GetLinear(p + "self_attn.q_proj", d, d, &q));
      LANCET_RETURN_NOT_OK(GetLinear(p + "self_attn.k_proj", d, d, &k));
      LANCET_RETURN_NOT_OK(GetLinear(p + "self_attn.v_proj", d, d, &v));
      // Fused QKV projection; the attention scale 1/sqrt(head_dim) is folded into q.
      L.qkv.in = d;
      L.qkv.out = 3 * d;
      L.qkv.w.resize(static_cast<size_t>(3) * d * d);
      L.qkv.b.resize(static_cast<size_t>(3) * d);
      for (size_t j = 0; j < q.w.size(); ++j) L.qkv.w[j] = q.w[j] * scale;
      std::copy(k.w.begin(), k.w.end(), L.qkv.w.begin() + static_cast<ptrdiff_t>(d) * d);
      std::copy(v.w.begin(), v.w.end(), L.qkv.w.begin() + static_cast<ptrdiff_t>(2) * d * d);
      for (int j = 0; j < d; ++j) {
        L.qkv.b[j] = q.b[j] * scale;
        L.qkv.b[d + j] = k.b[j];
        L.qkv.b[2 * d + j] = v.b[j];
      }
      LANCET_RETURN_NOT_OK(GetLinear(p + "self_attn.out_proj", d, d, &L.out));
      LANCET_RETURN_NOT_OK(GetLinear(p + "mlp.fc1", c.intermediate_size, d, &L.fc1));
      LANCET_RETURN_NOT_OK(GetLinear(p + "mlp.fc2", d, c.intermediate_size, &L.fc2));
    }
    return Status::OK();
  }

 private:
  const SafeTensorsFile& f_;
};

bool IsFile(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void L2Normalize(std::vector<float>* v) {
  double s = 0;
  for (float x : *v) s += static_cast<double>(x) * x;
  const float inv = s > 0 ? static_cast<float>(1.0 / std::sqrt(s)) : 0.0f;
  for (float& x : *v) x *= inv;
}

}  // namespace

ClipModel::ClipModel() : impl_(std::make_unique<Impl>()) {}
ClipModel::~ClipModel() = default;

Result<std::unique_ptr<ClipModel>> ClipModel::Load(const std::string& dir,
                                                   const ClipOptions& options) {
  if (options.batch_size < 1 || options.batch_size > 4096 || options.num_threads < 0) {
    return Status::InvalidArgument("ClipOptions: batch_size must be in [1, 4096], threads >= 0");
  }
  const std::string config_path = dir + "/config.json";
  std::ifstream cin(config_path, std::ios::binary);
  if (!cin) return Status::NotFound("CLIP model: cannot open " + config_path);
  std::stringstream cs;
  cs << cin.rdbuf();
  auto cfg = ClipConfig::FromJson(cs.str());
  if (!cfg.ok()) return cfg.status().WithContext(config_path);

  std::unique_ptr<ClipModel> m(new ClipModel());
  Impl& I = *m->impl_;
  I.config = *cfg;
  I.options = options;
  const ClipConfig& c = I.config;

  auto tok = ClipTokenizer::Load(dir + "/vocab.json", dir + "/merges.txt");
  if (!tok.ok()) return tok.status().WithContext("CLIP model " + dir);
  I.tokenizer = std::make_unique<ClipTokenizer>(std::move(tok).ValueOrDie());
  if (I.tokenizer->vocab_size() > static_cast<size_t>(c.vocab_size)) {
    return Status::InvalidArgument("CLIP model " + dir + ": vocab.json has ids beyond vocab_size " +
                                   std::to_string(c.vocab_size));
  }

  const std::string weights_path = dir + "/model.safetensors";
  if (!IsFile(weights_path)) return Status::NotFound("CLIP model: missing " + weights_path);
  LANCET_ASSIGN_OR_RETURN(SafeTensorsFile f, SafeTensorsFile::Open(weights_path));
  WeightLoader w(f);
  const int dt = c.text.hidden_size, dv = c.vision.hidden_size, P = c.projection_dim;
  // Text tower.
  LANCET_RETURN_NOT_OK(w.Get("text_model.embeddings.token_embedding.weight", {c.vocab_size, dt},
                             &I.token_embedding));
  LANCET_RETURN_NOT_OK(w.Get("text_model.embeddings.position_embedding.weight",
                             {c.max_position_embeddings, dt}, &I.text_pos_embedding));
  LANCET_RETURN_NOT_OK(w.GetTower("text_model", c.text, &I.text));
  LANCET_RETURN_NOT_OK(
      w.GetLn("text_model.final_layer_norm", dt, c.text.layer_norm_eps, &I.final_ln));
  LANCET_RETURN_NOT_OK(w.Get("text_projection.weight", {P, dt}, &I.text_projection));
  // Vision tower.
  const int p = c.patch_size;
  LANCET_RETURN_NOT_OK(
      w.Get("vision_model.embeddings.class_embedding", {dv}, &I.class_embedding));
  LANCET_RETURN_NOT_OK(w.Get("vision_model.embeddings.patch_embedding.weight",
                             {dv, c.num_channels, p, p}, &I.patch_weight));
  LANCET_RETURN_NOT_OK(w.Get("vision_model.embeddings.position_embedding.weight",
                             {I.num_patches() + 1, dv}, &I.vision_pos_embedding));
  LANCET_RETURN_NOT_OK(
      w.GetLn("vision_model.pre_layrnorm", dv, c.vision.layer_norm_eps, &I.pre_ln));
  LANCET_RETURN_NOT_OK(w.GetTower("vision_model", c.vision, &I.vision));
  LANCET_RETURN_NOT_OK(
      w.GetLn("vision_model.post_layernorm", dv, c.vision.layer_norm_eps, &I.post_ln));
  LANCET_RETURN_NOT_OK(w.Get("visual_projection.weight", {P, dv}, &I.visual_projection));
  std::vector<float> logit_scale;
  LANCET_RETURN_NOT_OK(w.Get("logit_scale", {}, &logit_scale));
  if (logit_scale.size() != 1) {
    return Status::InvalidArgument("model.safetensors: tensor 'logit_scale' is not a scalar");
  }

  // The model parallelises every stage itself (see transformer_internal.h); OpenBLAS runs
  // single-threaded inside the pool's threads.
  internal::SetBlasThreads(1);
  I.thread_pool = std::make_unique<internal::ThreadPool>(internal::ResolveThreads(options.num_threads));
  return m;
}

int ClipModel::embed_dim() const { return impl_->config.projection_dim; }
int ClipModel::image_size() const { return impl_->config.image_size; }
const ClipConfig& ClipModel::config() const { return impl_->config; }
const ClipTokenizer& ClipModel::tokenizer() const { return *impl_->tokenizer; }

// ---- text tower -----------------------------------------------------------------------------

void ClipModel::Impl::TextBatch(const std::vector<std::vector<int>>& ids, size_t begin,
                                size_t end, std::vector<std::vector<float>>* out) {
  const int d = config.text.hidden_size;
  const int ctx = config.max_position_embeddings;
  const int B = static_cast<int>(end - begin);
  // Pooling position per row, as transformers does: legacy configs (eos_token_id == 2) take the
  // highest id (the original CLIP's eos), newer ones the first eos_token_id (0 if absent).
  std::vector<int> pool(B);
  int T = 1;
  for (int b = 0; b < B; ++b) {
    const std::vector<int>& row = ids[begin + b];
    int pos = 0;
    if (config.eos_token_id == 2) {
      for (int t = 1; t < ctx; ++t) {
        if (row[t] > row[pos]) pos = t;
      }
    } else {
      for (int t = 0; t < ctx; ++t) {
        if (row[t] == config.eos_token_id) {
          pos = t;
          break;
        }
      }
    }
    pool[b] = pos;
    T = std::max(T, pos + 1);
  }
  // Causal attention: positions after the pooled one never influence it, so the batch runs only
  // the first T positions.
  float* x = scratch.Resize(&scratch.x, static_cast<size_t>(B) * T * d);
  for (int b = 0; b < B; ++b) {
    for (int t = 0; t < T; ++t) {
      const float* te = token_embedding.data() + static_cast<size_t>(ids[begin + b][t]) * d;
      const float* pe = text_pos_embedding.data() + static_cast<size_t>(t) * d;
      float* dst = x + (static_cast<size_t>(b) * T + t) * d;
      for (int k = 0; k < d; ++k) dst[k] = te[k] + pe[k];
    }
  }
  internal::RunEncoder(text, B, T, /*causal=*/true, x, &scratch, thread_pool.get());
  std::vector<float> pooled(static_cast<size_t>(B) * d);
  for (int b = 0; b < B; ++b) {
    internal::LayerNorm(x + (static_cast<size_t>(b) * T + pool[b]) * d, 1, d, final_ln,
                        pooled.data() + static_cast<size_t>(b) * d);
  }
  const int P = config.projection_dim;
  std::vector<float> proj(static_cast<size_t>(B) * P);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, P, d, 1.0f, pooled.data(), d,
              text_projection.data(), d, 0.0f, proj.data(), P);
  for (int b = 0; b < B; ++b) {
    std::vector<float> v(proj.begin() + static_cast<ptrdiff_t>(b) * P,
                         proj.begin() + static_cast<ptrdiff_t>(b + 1) * P);
    L2Normalize(&v);
    out->push_back(std::move(v));
  }
}

Result<std::vector<std::vector<float>>> ClipModel::EmbedTokenIds(
    const std::vector<std::vector<int>>& ids) {
  const ClipConfig& c = impl_->config;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].size() != static_cast<size_t>(c.max_position_embeddings)) {
      return Status::InvalidArgument("token ids row " + std::to_string(i) + " has " +
                                     std::to_string(ids[i].size()) + " ids, expected " +
                                     std::to_string(c.max_position_embeddings));
    }
    for (int id : ids[i]) {
      if (id < 0 || id >= c.vocab_size) {
        return Status::InvalidArgument("token id " + std::to_string(id) + " out of range");
      }
    }
  }
  std::vector<std::vector<float>> out;
  out.reserve(ids.size());
  std::lock_guard<std::mutex> lock(impl_->mu);
  internal::EnsureBlasSingleThreaded();
  const size_t bs = static_cast<size_t>(impl_->options.batch_size);
  for (size_t i = 0; i < ids.size(); i += bs) {
    impl_->TextBatch(ids, i, std::min(ids.size(), i + bs), &out);
  }
  return out;
}

Result<std::vector<std::vector<float>>> ClipModel::EmbedTexts(
    const std::vector<std::string>& texts) {
  std::vector<std::vector<int>> ids;
  ids.reserve(texts.size());
  for (const std::string& t : texts) {
    ids.push_back(impl_->tokenizer->Encode(t, impl_->config.max_position_embeddings).ids);
  }
  return EmbedTokenIds(ids);
}

// ---- vision tower ---------------------------------------------------------------------------

void ClipModel::Impl::VisionBatch(const float* pixels, size_t n,
                                  std::vector<std::vector<float>>* out) {
  const int d = config.vision.hidden_size;
  const int S = config.image_size, p = config.patch_size, g = S / p, N = g * g;
  const int T = N + 1, B = static_cast<int>(n);
  const int K = 3 * p * p;
  // im2col: one row per patch, columns ordered (channel, ky, kx) as the conv weight; then one
  // GEMM for the patches of the whole batch.
  float* cols = scratch.Resize(&scratch.cols, static_cast<size_t>(B) * N * K);
  thread_pool->ParallelFor(B * g, [&](int item) {
    const int b = item / g, gy = item % g;
    const float* img = pixels + static_cast<size_t>(b) * 3 * S * S;
    for (int gx = 0; gx < g; ++gx) {
      float* row = cols + (static_cast<size_t>(b) * N + gy * g + gx) * K;
      for (int c = 0; c < 3; ++c) {
        for (int ky = 0; ky < p; ++ky) {
          const float* src = img + (static_cast<size_t>(c) * S + gy * p + ky) * S + gx * p;
          std::memcpy(row + (c * p + ky) * p, src, sizeof(float) * p);
        }
      }
    }
  });
  float* patches = scratch.Resize(&scratch.patches, static_cast<size_t>(B) * N * d);
  internal::ParallelGemm(thread_pool.get(), cols, B * N, K, patch_weight.data(), d, nullptr, 0.0f,
                         patches, d);
  // x = [class; patches] + position embedding, then the pre-LayerNorm, per image.
  float* x = scratch.Resize(&scratch.x, static_cast<size_t>(B) * T * d);
  thread_pool->ParallelFor(B, [&](int b) {
    float* seq = x + static_cast<size_t>(b) * T * d;
    const float* pe = vision_pos_embedding.data();
    for (int k = 0; k < d; ++k) seq[k] = class_embedding[k] + pe[k];
    const float* pb = patches + static_cast<size_t>(b) * N * d;
    for (size_t k = 0, n = static_cast<size_t>(N) * d; k < n; ++k) seq[d + k] = pb[k] + pe[d + k];
    internal::LayerNorm(seq, T, d, pre_ln, seq);
  });
  internal::RunEncoder(vision, B, T, /*causal=*/false, x, &scratch, thread_pool.get());
  std::vector<float> pooled(static_cast<size_t>(B) * d);
  for (int b = 0; b < B; ++b) {
    internal::LayerNorm(x + static_cast<size_t>(b) * T * d, 1, d, post_ln,
                        pooled.data() + static_cast<size_t>(b) * d);
  }
  const int P = config.projection_dim;
  std::vector<float> proj(static_cast<size_t>(B) * P);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, P, d, 1.0f, pooled.data(), d,
              visual_projection.data(), d, 0.0f, proj.data(), P);
  for (int b = 0; b < B; ++b) {
    std::vector<float> v(proj.begin() + static_cast<ptrdiff_t>(b) * P,
                         proj.begin() + static_cast<ptrdiff_t>(b + 1) * P);
    L2Normalize(&v);
    out->push_back(std::move(v));
  }
}

Result<std::vector<std::vector<float>>> ClipModel::EmbedPixels(const float* pixels, size_t n) {
  std::vector<std::vector<float>> out;
  if (n == 0) return out;
  if (pixels == nullptr) return Status::InvalidArgument("EmbedPixels: null pixels");
  out.reserve(n);
  const size_t per = static_cast<size_t>(3) * image_size() * image_size();
  std::lock_guard<std::mutex> lock(impl_->mu);
  internal::EnsureBlasSingleThreaded();
  const size_t bs = static_cast<size_t>(impl_->options.batch_size);
  for (size_t i = 0; i < n; i += bs) {
    impl_->VisionBatch(pixels + i * per, std::min(bs, n - i), &out);
  }
  return out;
}

Result<std::vector<std::vector<float>>> ClipModel::EmbedImageBytes(
    const std::vector<std::string>& encoded) {
  PreprocessOptions po;
  po.image_size = image_size();
  std::vector<std::vector<float>> out;
  out.reserve(encoded.size());
  const size_t bs = static_cast<size_t>(impl_->options.batch_size);
  std::vector<float> pixels;
  for (size_t i = 0; i < encoded.size(); i += bs) {
    pixels.clear();
    const size_t end = std::min(encoded.size(), i + bs);
    for (size_t k = i; k < end; ++k) {
      Status st = PreprocessImageBytes(reinterpret_cast<const uint8_t*>(encoded[k].data()),
                                       encoded[k].size(), po, &pixels);
      if (!st.ok()) return st.WithContext("image " + std::to_string(k));
    }
    LANCET_ASSIGN_OR_RETURN(auto part, EmbedPixels(pixels.data(), end - i));
    for (auto& v : part) out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<std::vector<float>>> ClipModel::EmbedImageFiles(
    const std::vector<std::string>& paths) {
  PreprocessOptions po;
  po.image_size = image_size();
  std::vector<std::vector<float>> out;
  out.reserve(paths.size());
  const size_t bs = static_cast<size_t>(impl_->options.batch_size);
  std::vector<float> pixels;
  for (size_t i = 0; i < paths.size(); i += bs) {
    pixels.clear();
    const size_t end = std::min(paths.size(), i + bs);
    for (size_t k = i; k < end; ++k) LANCET_RETURN_NOT_OK(PreprocessImageFile(paths[k], po, &pixels));
    LANCET_ASSIGN_OR_RETURN(auto part, EmbedPixels(pixels.data(), end - i));
    for (auto& v : part) out.push_back(std::move(v));
  }
  return out;
}

// ---- default model --------------------------------------------------------------------------

std::string DefaultModelDir() {
  if (const char* env = std::getenv("LANCET_CLIP_MODEL"); env && *env) return env;
  std::vector<std::string> candidates;
#ifdef LANCET_SOURCE_DIR
  candidates.push_back(std::string(LANCET_SOURCE_DIR) + "/models/clip-tiny");
#endif
  if (const char* env = std::getenv("LANCET_SOURCE_DIR"); env && *env) {
    candidates.push_back(std::string(env) + "/models/clip-tiny");
  }
#ifdef LANCET_INSTALL_PREFIX
  candidates.push_back(std::string(LANCET_INSTALL_PREFIX) + "/share/lancet/models/clip-tiny");
#endif
  candidates.push_back("/usr/local/share/lancet/models/clip-tiny");
  for (const std::string& dir : candidates) {
    if (IsFile(dir + "/config.json")) return dir;
  }
  return candidates.back();
}

}  // namespace lancet::embed
