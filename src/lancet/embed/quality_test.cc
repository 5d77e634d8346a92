// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Retrieval quality of the shipped default model (models/clip-tiny), run by the C++ engine on a
// held-out generated set: images drawn with a seed the training script never used (training
// uses seeds 20260/20261, its own held-out evaluation seed 777; this test uses 4242).
//
// Metrics (the acceptance criteria of the default model):
//  * text->image recall@5 of the "<color> <object>" queries. For a query q with n_q matching
//    images in the set (same colour and object), recall@5(q) = |matching images among the 5
//    nearest| / min(5, n_q), averaged over the queries whose class occurs in the set. The set is
//    balanced (5 images per class), so this is the fraction of the top 5 that match: stricter than
//    the usual "at least one hit in the top 5" rate. Required >= 0.9.
//  * image->image nearest-neighbour agreement: for each image, its nearest other image (cosine)
//    has the same object and colour. Required >= 0.9.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "lancet/embed/clip_model.h"
#include "lancet/embed/sample_images.h"

namespace lancet::embed {
namespace {

constexpr uint64_t kHeldOutSeed = 4242;
constexpr int kImageSize = 96;  // drawn larger than the model's 64 px: the engine resizes

class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/lancet-quality-XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
  return s;
}

TEST(ClipQualityTest, DefaultModelRetrievesHeldOutGeneratedImages) {
  const auto t0 = std::chrono::steady_clock::now();
  auto model = ClipModel::Load(DefaultModelDir());
  ASSERT_TRUE(model.ok()) << DefaultModelDir() << ": " << model.status().ToString();

  const auto& objects = SampleObjects();
  const auto& colors = SampleColors();
  const int num_classes = static_cast<int>(objects.size() * colors.size());

  ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  SampleImageOptions opts;
  opts.count = 5 * num_classes;  // every block of num_classes images holds each class once
  opts.seed = kHeldOutSeed;
  opts.size = kImageSize;
  opts.out_dir = dir.path();
  std::vector<SampleImageInfo> infos;
  Status st = WriteSampleImages(opts, &infos);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(infos.size(), static_cast<size_t>(opts.count));

  std::vector<std::string> paths;
  std::vector<int> labels;
  for (const auto& info : infos) {
    paths.push_back(dir.path() + "/" + info.file);
    labels.push_back(info.object_id * static_cast<int>(colors.size()) + info.color_id);
  }
  auto images = (*model)->EmbedImageFiles(paths);
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  ASSERT_EQ(images->size(), paths.size());

  std::vector<std::string> queries;
  std::vector<int> query_labels;
  for (size_t o = 0; o < objects.size(); ++o) {
    for (size_t c = 0; c < colors.size(); ++c) {
      queries.push_back(colors[c] + " " + objects[o]);
      query_labels.push_back(static_cast<int>(o * colors.size() + c));
    }
  }
  auto texts = (*model)->EmbedTexts(queries);
  ASSERT_TRUE(texts.ok()) << texts.status().ToString();
  ASSERT_EQ(texts->size(), queries.size());

  // Text -> image recall@5.
  const size_t n = images->size();
  double recall_sum = 0;
  int num_queries = 0;
  std::vector<std::string> worst;
  for (size_t q = 0; q < queries.size(); ++q) {
    const int n_rel = static_cast<int>(std::count(labels.begin(), labels.end(), query_labels[q]));
    if (n_rel == 0) continue;
    std::vector<std::pair<double, size_t>> scored;
    for (size_t i = 0; i < n; ++i) scored.emplace_back(Dot((*texts)[q], (*images)[i]), i);
    std::partial_sort(scored.begin(), scored.begin() + 5, scored.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    int hits = 0;
    for (int k = 0; k < 5; ++k) hits += labels[scored[static_cast<size_t>(k)].second] == query_labels[q];
    const double r = static_cast<double>(hits) / std::min(5, n_rel);
    if (r < 0.6) worst.push_back(queries[q] + " (" + std::to_string(hits) + "/5)");
    recall_sum += r;
    ++num_queries;
  }
  ASSERT_EQ(num_queries, num_classes);
  const double recall_at_5 = recall_sum / num_queries;

  // Image -> image nearest neighbour agreement (object and colour).
  int agree = 0;
  for (size_t i = 0; i < n; ++i) {
    double best = -2;
    size_t best_j = i;
    for (size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double s = Dot((*images)[i], (*images)[j]);
      if (s > best) {
        best = s;
        best_j = j;
      }
    }
    agree += labels[best_j] == labels[i];
  }
  const double nn_agreement = static_cast<double>(agree) / n;

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "clip-tiny held-out (seed " << kHeldOutSeed << ", " << n << " images at "
            << kImageSize << " px): recall@5 " << recall_at_5 << ", image->image NN agreement "
            << nn_agreement << " (" << seconds << " s)\n";
  for (const auto& w : worst) std::cout << "  weak query: " << w << "\n";
  RecordProperty("recall_at_5", std::to_string(recall_at_5));
  RecordProperty("image_nn_agreement", std::to_string(nn_agreement));
  EXPECT_GE(recall_at_5, 0.9);
  EXPECT_GE(nn_agreement, 0.9);
}

// The same metric machinery must be able to fail: queries paired with the wrong class (colour
// names rotated by one) score far below the threshold.
TEST(ClipQualityTest, MismatchedQueriesScoreLow) {
  auto model = ClipModel::Load(DefaultModelDir());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const auto& objects = SampleObjects();
  const auto& colors = SampleColors();
  std::vector<std::string> encoded;
  std::vector<int> labels;
  for (int64_t i = 0; i < static_cast<int64_t>(objects.size() * colors.size()); ++i) {
    auto img = RenderSampleImage(kHeldOutSeed + 1, i, 64);
    ASSERT_TRUE(img.ok());
    auto bytes = EncodeSampleImage(*img, "png");
    ASSERT_TRUE(bytes.ok());
    encoded.push_back(std::move(*bytes));
    labels.push_back(img->info.object_id * static_cast<int>(colors.size()) + img->info.color_id);
  }
  auto images = (*model)->EmbedImageBytes(encoded);
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  std::vector<std::string> right, wrong;
  for (size_t i = 0; i < labels.size(); ++i) {
    const size_t o = static_cast<size_t>(labels[i]) / colors.size();
    const size_t c = static_cast<size_t>(labels[i]) % colors.size();
    right.push_back(colors[c] + " " + objects[o]);
    wrong.push_back(colors[(c + 1) % colors.size()] + " " + objects[o]);
  }
  auto r = (*model)->EmbedTexts(right);
  auto w = (*model)->EmbedTexts(wrong);
  ASSERT_TRUE(r.ok() && w.ok());
  // Zero-shot classification over the 64 captions: the right caption wins for most images,
  // the rotated one for almost none.
  int right_top1 = 0, wrong_top1 = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    double best = -2;
    size_t arg = 0;
    for (size_t j = 0; j < labels.size(); ++j) {
      const double s = Dot((*images)[i], (*r)[j]);
      if (s > best) {
        best = s;
        arg = j;
      }
    }
    right_top1 += labels[arg] == labels[i];
    wrong_top1 += Dot((*images)[i], (*w)[i]) > Dot((*images)[i], (*r)[i]);
  }
  EXPECT_GE(right_top1, static_cast<int>(labels.size() * 8 / 10));
  EXPECT_LE(wrong_top1, static_cast<int>(labels.size() / 10));
}

}  // namespace
}  // namespace lancet::embed
