// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/sample_images.h"

#include <vips/vips.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace lancet::embed {
namespace {

constexpr double kPi = 3.14159265358979323846;

// ---- deterministic randomness ----------------------------------------------------------------

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// splitmix64: small, fast, and identical on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix64(state_);
  }
  /// Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  /// Uniform in [0, n).
  int Int(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

// ---- colours ---------------------------------------------------------------------------------

struct Rgb {
  double r = 0, g = 0, b = 0;
};

Rgb Lerp(const Rgb& a, const Rgb& b, double t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}
Rgb Scale(const Rgb& a, double f) { return {a.r * f, a.g * f, a.b * f}; }
Rgb Lighten(const Rgb& a, double t) { return Lerp(a, Rgb{255, 255, 255}, t); }
double Distance(const Rgb& a, const Rgb& b) {
  return std::sqrt((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) +
                   (a.b - b.b) * (a.b - b.b));
}

struct NamedColor {
  const char* name;
  Rgb rgb;
};

const std::array<NamedColor, 8>& Colors() {
  static const std::array<NamedColor, 8> kColors = {{
      {"red", {215, 35, 35}},
      {"orange", {245, 135, 20}},
      {"yellow", {240, 215, 30}},
      {"green", {40, 165, 50}},
      {"blue", {35, 80, 215}},
      {"purple", {135, 50, 180}},
      {"pink", {245, 125, 185}},
      {"brown", {125, 75, 35}},
  }};
  return kColors;
}

const std::array<const char*, 8> kObjects = {"car",  "house", "tree", "boat",
                                             "ball", "star",  "fish", "heart"};

// ---- shapes ----------------------------------------------------------------------------------

/// A filled primitive in the object's local frame (about [-1, 1]^2, y pointing down).
struct Primitive {
  enum class Kind { kPolygon, kEllipse } kind = Kind::kPolygon;
  std::vector<std::array<double, 2>> points;  // polygon vertices
  double cx = 0, cy = 0, rx = 0, ry = 0;      // ellipse
  Rgb color;

  bool Contains(double x, double y) const {
    if (kind == Kind::kEllipse) {
      const double dx = (x - cx) / rx, dy = (y - cy) / ry;
      return dx * dx + dy * dy <= 1.0;
    }
    bool inside = false;  // even-odd rule
    const size_t n = points.size();
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
      const double xi = points[i][0], yi = points[i][1];
      const double xj = points[j][0], yj = points[j][1];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
};

Primitive Poly(std::vector<std::array<double, 2>> pts, Rgb c) {
  Primitive p;
  p.kind = Primitive::Kind::kPolygon;
  p.points = std::move(pts);
  p.color = c;
  return p;
}
Primitive Rect(double x0, double y0, double x1, double y1, Rgb c) {
  return Poly({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, c);
}
Primitive Ellipse(double cx, double cy, double rx, double ry, Rgb c) {
  Primitive p;
  p.kind = Primitive::Kind::kEllipse;
  p.cx = cx;
  p.cy = cy;
  p.rx = rx;
  p.ry = ry;
  p.color = c;
  return p;
}
Primitive Circle(double cx, double cy, double r, Rgb c) { return Ellipse(cx, cy, r, r, c); }

/// Primitives of an object, back to front. The object's colour covers most of its area.
std::vector<Primitive> BuildObject(int object_id, const Rgb& c) {
  const Rgb dark{45, 45, 50};
  const Rgb glass{205, 215, 225};
  std::vector<Primitive> p;
  switch (object_id) {
    case 0:  // car
      p.push_back(Poly({{-1.0, 0.45},
                        {1.0, 0.45},
                        {1.0, 0.0},
                        {0.8, -0.12},
                        {0.45, -0.15},
                        {0.25, -0.5},
                        {-0.45, -0.5},
                        {-0.65, -0.12},
                        {-1.0, -0.05}},
                       c));
      p.push_back(Poly({{-0.38, -0.42}, {-0.1, -0.42}, {-0.1, -0.15}, {-0.52, -0.15}}, glass));
      p.push_back(Poly({{0.0, -0.42}, {0.2, -0.42}, {0.34, -0.15}, {0.0, -0.15}}, glass));
      p.push_back(Circle(-0.55, 0.45, 0.24, dark));
      p.push_back(Circle(0.55, 0.45, 0.24, dark));
      p.push_back(Circle(-0.55, 0.45, 0.1, Rgb{170, 170, 170}));
      p.push_back(Circle(0.55, 0.45, 0.1, Rgb{170, 170, 170}));
      break;
    case 1:  // house
      p.push_back(Rect(-0.7, -0.15, 0.7, 0.9, c));
      p.push_back(Poly({{-0.92, -0.1}, {0.92, -0.1}, {0.0, -0.92}}, Scale(c, 0.62)));
      p.push_back(Rect(-0.18, 0.38, 0.14, 0.9, Rgb{70, 45, 30}));
      p.push_back(Rect(0.3, 0.1, 0.56, 0.36, glass));
      p.push_back(Rect(-0.56, 0.1, -0.34, 0.36, glass));
      break;
    case 2:  // tree
      p.push_back(Rect(-0.14, 0.15, 0.14, 1.0, Rgb{85, 55, 30}));
      p.push_back(Circle(-0.38, 0.0, 0.42, c));
      p.push_back(Circle(0.38, 0.0, 0.42, c));
      p.push_back(Circle(0.0, -0.38, 0.55, c));
      break;
    case 3:  // boat
      p.push_back(Rect(-0.04, -0.95, 0.04, 0.35, dark));
      p.push_back(Poly({{0.1, -0.88}, {0.1, 0.22}, {0.78, 0.22}}, Lighten(c, 0.55)));
      p.push_back(Poly({{-0.1, -0.7}, {-0.1, 0.22}, {-0.6, 0.22}}, Lighten(c, 0.55)));
      p.push_back(Poly({{-1.0, 0.3}, {1.0, 0.3}, {0.7, 0.78}, {-0.7, 0.78}}, c));
      break;
    case 4:  // ball
      p.push_back(Circle(0.0, 0.0, 0.82, c));
      p.push_back(Ellipse(0.0, 0.0, 0.82, 0.14, Scale(c, 0.7)));
      p.push_back(Circle(-0.32, -0.36, 0.16, Lighten(c, 0.6)));
      break;
    case 5: {  // star
      std::vector<std::array<double, 2>> pts;
      for (int i = 0; i < 10; ++i) {
        const double r = (i % 2 == 0) ? 0.98 : 0.42;
        const double a = -kPi / 2 + i * kPi / 5;
        pts.push_back({r * std::cos(a), r * std::sin(a) + 0.08});
      }
      p.push_back(Poly(std::move(pts), c));
      break;
    }
    case 6:  // fish
      p.push_back(Poly({{0.35, 0.0}, {0.98, -0.5}, {0.98, 0.5}}, c));
      p.push_back(Ellipse(-0.18, 0.0, 0.72, 0.42, c));
      p.push_back(Poly({{-0.25, -0.36}, {0.15, -0.36}, {0.0, -0.62}}, Scale(c, 0.7)));
      p.push_back(Circle(-0.58, -0.08, 0.12, Rgb{240, 240, 240}));
      p.push_back(Circle(-0.58, -0.08, 0.06, dark));
      break;
    default:  // heart
      p.push_back(Circle(-0.42, -0.3, 0.46, c));
      p.push_back(Circle(0.42, -0.3, 0.46, c));
      p.push_back(Poly({{-0.86, -0.18}, {0.86, -0.18}, {0.0, 0.88}}, c));
      break;
  }
  return p;
}

// ---- backgrounds -----------------------------------------------------------------------------

/// A muted colour at least `min_dist` away from `avoid` (so the object stays visible and its
/// colour is the most saturated one in the picture).
Rgb BackgroundColor(Rng& rng, const Rgb& avoid, double min_dist = 110) {
  Rgb best;
  double best_d = -1;
  for (int attempt = 0; attempt < 24; ++attempt) {
    const double gray = rng.Uniform(30, 230);
    const double sat = rng.Uniform(0.0, 0.55);
    Rgb raw{rng.Uniform(0, 255), rng.Uniform(0, 255), rng.Uniform(0, 255)};
    Rgb c = Lerp(Rgb{gray, gray, gray}, raw, sat);
    const double d = Distance(c, avoid);
    if (d >= min_dist) return c;
    if (d > best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

struct Background {
  int kind = 0;  // 0 solid, 1 linear gradient, 2 radial gradient, 3 stripes, 4 checks, 5 noise
  Rgb a, b;
  double angle = 0, period = 0.1, cx = 0.5, cy = 0.5, noise = 0;
  int cells = 4;
  std::vector<Rgb> grid;  // value-noise lattice (cells + 1)^2
  uint64_t pixel_seed = 0;

  Rgb At(double u, double v, int px, int py) const {
    Rgb c;
    switch (kind) {
      case 0:
        c = a;
        break;
      case 1: {
        const double t = 0.5 + (u - 0.5) * std::cos(angle) + (v - 0.5) * std::sin(angle);
        c = Lerp(a, b, std::clamp(t, 0.0, 1.0));
        break;
      }
      case 2: {
        const double r = std::sqrt((u - cx) * (u - cx) + (v - cy) * (v - cy)) / 0.75;
        c = Lerp(a, b, std::clamp(r, 0.0, 1.0));
        break;
      }
      case 3: {
        const double t = u * std::cos(angle) + v * std::sin(angle);
        c = (static_cast<int64_t>(std::floor(t / period)) % 2 == 0) ? a : b;
        break;
      }
      case 4: {
        const int64_t i = static_cast<int64_t>(std::floor(u / period));
        const int64_t j = static_cast<int64_t>(std::floor(v / period));
        c = ((i + j) % 2 == 0) ? a : b;
        break;
      }
      default: {
        const double gx = std::clamp(u, 0.0, 1.0) * cells, gy = std::clamp(v, 0.0, 1.0) * cells;
        const int ix = std::min(static_cast<int>(gx), cells - 1);
        const int iy = std::min(static_cast<int>(gy), cells - 1);
        const double fx = gx - ix, fy = gy - iy;
        const auto g = [&](int x, int y) { return grid[static_cast<size_t>(y * (cells + 1) + x)]; };
        c = Lerp(Lerp(g(ix, iy), g(ix + 1, iy), fx), Lerp(g(ix, iy + 1), g(ix + 1, iy + 1), fx),
                 fy);
        break;
      }
    }
    if (noise > 0) {
      const uint64_t h = Mix64(pixel_seed ^ (static_cast<uint64_t>(py) << 32 |
                                             static_cast<uint32_t>(px)));
      const double n = (static_cast<double>(h & 0xFFFF) / 65535.0 - 0.5) * 2 * noise;
      c = {c.r + n, c.g + n, c.b + n};
    }
    return c;
  }
};

Background MakeBackground(Rng& rng, const Rgb& avoid) {
  Background bg;
  bg.kind = rng.Int(6);
  bg.a = BackgroundColor(rng, avoid);
  bg.b = BackgroundColor(rng, avoid);
  bg.angle = rng.Uniform(0, 2 * kPi);
  bg.period = rng.Uniform(0.04, 0.16);
  bg.cx = rng.Uniform(0.1, 0.9);
  bg.cy = rng.Uniform(0.1, 0.9);
  bg.cells = 2 + rng.Int(6);
  if (bg.kind == 5) {
    for (int i = 0; i < (bg.cells + 1) * (bg.cells + 1); ++i) {
      bg.grid.push_back(BackgroundColor(rng, avoid));
    }
  }
  bg.noise = rng.Uniform() < 0.4 ? rng.Uniform(4, 28) : 0.0;
  bg.pixel_seed = rng.Next();
  return bg;
}

uint8_t ToByte(double v) {
  return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
}

std::once_flag vips_once;
Status InitVips() {
  static bool ok = false;
  std::call_once(vips_once, [] { ok = VIPS_INIT("lancet") == 0; });
  if (!ok) return Status::Internal("libvips initialisation failed");
  return Status::OK();
}

std::string VipsError() {
  std::string msg = vips_error_buffer();
  vips_error_clear();
  return msg;
}

}  // namespace

const std::vector<std::string>& SampleObjects() {
  static const std::vector<std::string> kNames(kObjects.begin(), kObjects.end());
  return kNames;
}

const std::vector<std::string>& SampleColors() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> v;
    for (const auto& c : Colors()) v.emplace_back(c.name);
    return v;
  }();
  return kNames;
}

Result<SampleImage> RenderSampleImage(uint64_t seed, int64_t index, int size) {
  if (size < 16 || size > 4096) {
    return Status::InvalidArgument("sample image size must be in [16, 4096], got " +
                                   std::to_string(size));
  }
  if (index < 0) return Status::InvalidArgument("sample image index must be >= 0");
  const int num_objects = static_cast<int>(kObjects.size());
  const int num_colors = static_cast<int>(Colors().size());
  const int num_classes = num_objects * num_colors;

  // Balanced labels: every block of num_classes consecutive images holds each (object, colour)
  // pair once, in an order shuffled per block.
  const int64_t block = index / num_classes;
  Rng block_rng(Mix64(seed * 0x9E3779B97F4A7C15ULL + 0x5EEDULL) ^ Mix64(static_cast<uint64_t>(block)));
  std::vector<int> order(static_cast<size_t>(num_classes));
  for (int i = 0; i < num_classes; ++i) order[static_cast<size_t>(i)] = i;
  for (int i = num_classes - 1; i > 0; --i) {
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(block_rng.Int(i + 1))]);
  }
  const int label = order[static_cast<size_t>(index % num_classes)];

  SampleImage img;
  img.info.index = index;
  img.info.object_id = label / num_colors;
  img.info.color_id = label % num_colors;
  img.info.object = kObjects[static_cast<size_t>(img.info.object_id)];
  img.info.color = Colors()[static_cast<size_t>(img.info.color_id)].name;
  img.info.caption = "a " + img.info.color + " " + img.info.object;
  img.width = size;
  img.height = size;
  img.rgb.resize(static_cast<size_t>(size) * static_cast<size_t>(size) * 3);

  Rng rng(Mix64(seed ^ 0xC0FFEE1234ULL) ^ Mix64(static_cast<uint64_t>(index) + 0x1000));
  Rgb color = Colors()[static_cast<size_t>(img.info.color_id)].rgb;
  color = {color.r + rng.Uniform(-14, 14), color.g + rng.Uniform(-14, 14),
           color.b + rng.Uniform(-14, 14)};
  const Background bg = MakeBackground(rng, color);
  const std::vector<Primitive> prims = BuildObject(img.info.object_id, color);

  // Placement in normalised image coordinates [0, 1].
  const double half = rng.Uniform(0.2, 0.38);
  const double max_rot = (img.info.object_id == 4 || img.info.object_id == 5) ? kPi : 0.35;
  const double rot = rng.Uniform(-max_rot, max_rot);
  const double flip = rng.Uniform() < 0.5 ? -1.0 : 1.0;
  const double aspect = rng.Uniform(0.85, 1.15);
  const double cx = rng.Uniform(half, 1.0 - half);
  const double cy = rng.Uniform(half, 1.0 - half);
  const double cr = std::cos(rot), sr = std::sin(rot);

  constexpr int kSub = 4;  // 4x4 supersampling for anti-aliased edges
  const double inv = 1.0 / size;
  for (int py = 0; py < size; ++py) {
    for (int px = 0; px < size; ++px) {
      const double u = (px + 0.5) * inv, v = (py + 0.5) * inv;
      const Rgb back = bg.At(u, v, px, py);
      Rgb acc{0, 0, 0};
      const double reach = half * 1.5;
      if (std::abs(u - cx) <= reach + inv && std::abs(v - cy) <= reach + inv) {
        for (int sy = 0; sy < kSub; ++sy) {
          for (int sx = 0; sx < kSub; ++sx) {
            const double su = (px + (sx + 0.5) / kSub) * inv - cx;
            const double sv = (py + (sy + 0.5) / kSub) * inv - cy;
            // Inverse transform into the object's frame.
            const double lx = flip * (cr * su + sr * sv) / (half * aspect);
            const double ly = (-sr * su + cr * sv) / half;
            const Rgb* hit = &back;
            for (auto it = prims.rbegin(); it != prims.rend(); ++it) {
              if (it->Contains(lx, ly)) {
                hit = &it->color;
                break;
              }
            }
            acc = {acc.r + hit->r, acc.g + hit->g, acc.b + hit->b};
          }
        }
        acc = Scale(acc, 1.0 / (kSub * kSub));
      } else {
        acc = back;
      }
      uint8_t* out = &img.rgb[(static_cast<size_t>(py) * size + px) * 3];
      out[0] = ToByte(acc.r);
      out[1] = ToByte(acc.g);
      out[2] = ToByte(acc.b);
    }
  }
  return img;
}

Result<std::string> EncodeSampleImage(const SampleImage& image, const std::string& format) {
  if (format != "png" && format != "jpg" && format != "jpeg") {
    return Status::InvalidArgument("unsupported image format '" + format + "' (png|jpg)");
  }
  if (image.rgb.size() != static_cast<size_t>(image.width) * image.height * 3) {
    return Status::InvalidArgument("image buffer does not match its size");
  }
  LANCET_RETURN_NOT_OK(InitVips());
  VipsImage* vi = vips_image_new_from_memory(image.rgb.data(), image.rgb.size(), image.width,
                                             image.height, 3, VIPS_FORMAT_UCHAR);
  if (vi == nullptr) return Status::Internal("vips_image_new_from_memory: " + VipsError());
  void* buf = nullptr;
  size_t len = 0;
  int rc;
  if (format == "png") {
    rc = vips_pngsave_buffer(vi, &buf, &len, "compression", 6, nullptr);
  } else {
    rc = vips_jpegsave_buffer(vi, &buf, &len, "Q", 92, nullptr);
  }
  g_object_unref(vi);
  if (rc != 0) return Status::Internal("libvips " + format + " encoding failed: " + VipsError());
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

Status WriteSampleImages(const SampleImageOptions& options, std::vector<SampleImageInfo>* written) {
  if (options.count < 0) return Status::InvalidArgument("count must be >= 0");
  if (options.out_dir.empty()) return Status::InvalidArgument("output directory is required");
  const std::string ext = options.format == "jpeg" ? "jpg" : options.format;
  if (ext != "png" && ext != "jpg") {
    return Status::InvalidArgument("unsupported image format '" + options.format + "' (png|jpg)");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Status::IOError("cannot create " + options.out_dir + ": " + ec.message());
  const std::filesystem::path dir(options.out_dir);
  std::ofstream captions(dir / "captions.jsonl", std::ios::binary | std::ios::trunc);
  if (!captions) return Status::IOError("cannot write " + (dir / "captions.jsonl").string());
  if (written != nullptr) written->clear();
  const int width = std::max<int>(6, static_cast<int>(std::to_string(options.count).size()));
  for (int64_t i = 0; i < options.count; ++i) {
    LANCET_ASSIGN_OR_RETURN(SampleImage img, RenderSampleImage(options.seed, i, options.size));
    std::string num = std::to_string(i);
    img.info.file = std::string(static_cast<size_t>(width) - std::min<size_t>(num.size(), width), '0') +
                    num + "." + ext;
    LANCET_ASSIGN_OR_RETURN(std::string bytes, EncodeSampleImage(img, ext));
    std::ofstream f(dir / img.info.file, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) return Status::IOError("cannot write " + (dir / img.info.file).string());
    nlohmann::json line = {{"file", img.info.file},     {"caption", img.info.caption},
                           {"object", img.info.object}, {"color", img.info.color},
                           {"index", i},                {"seed", options.seed}};
    captions << line.dump() << "\n";
    if (written != nullptr) written->push_back(std::move(img.info));
  }
  captions.close();
  if (!captions) return Status::IOError("cannot write " + (dir / "captions.jsonl").string());
  return Status::OK();
}

}  // namespace lancet::embed
