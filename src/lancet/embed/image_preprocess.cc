// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/embed/image_preprocess.h"

#include <vips/vips.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

namespace lancet::embed {
namespace {

// Owns one reference to a GObject (VipsImage, VipsSource, ...).
template <typename T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(T* p) : p_(p) {}
  ~Ref() { reset(); }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  void reset(T* p = nullptr) {
    if (p_) g_object_unref(p_);
    p_ = p;
  }
  T* get() const { return p_; }
  T** out() {
    reset();
    return &p_;
  }

 private:
  T* p_ = nullptr;
};

Status VipsError(const std::string& what) {
  std::string msg = vips_error_buffer();
  vips_error_clear();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // Keep messages one line and bounded.
  std::replace(msg.begin(), msg.end(), '\n', ';');
  if (msg.size() > 300) msg.resize(300);
  return Status::InvalidArgument("image: " + what + (msg.empty() ? "" : ": " + msg));
}

enum class Format { kUnknown, kJpeg, kPng, kGif, kWebp };

Format Sniff(const uint8_t* d, size_t n) {
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return Format::kJpeg;
  static const uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n >= 8 && std::memcmp(d, kPng, 8) == 0) return Format::kPng;
  if (n >= 6 && (std::memcmp(d, "GIF87a", 6) == 0 || std::memcmp(d, "GIF89a", 6) == 0)) {
    return Format::kGif;
  }
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) {
    return Format::kWebp;
  }
  return Format::kUnknown;
}

// libvips reports a truncated stream only as a warning in some decoders and, under its
// threaded tile pipeline, not reliably as a failed copy. A cut or incomplete file is therefore
// caught here, deterministically, by walking the container structure to its end marker.
// Returns an empty string when the structure is complete, else what is missing.
std::string JpegIncomplete(const uint8_t* d, size_t n) {
  size_t p = 2;  // after SOI
  while (true) {
    if (p >= n) return "ends before its EOI marker";
    while (p < n && d[p] != 0xFF) ++p;  // extraneous bytes (libjpeg skips them with a warning)
    if (p >= n) return "ends before its EOI marker";
    while (p < n && d[p] == 0xFF) ++p;  // fill bytes
    if (p >= n) return "ends before its EOI marker";
    const uint8_t m = d[p++];
    if (m == 0xD9) return "";                                // EOI
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;    // standalone markers
    if (p + 2 > n) return "segment header cut";
    const size_t len = (size_t{d[p]} << 8) | d[p + 1];
    if (len < 2) return "bad segment length";
    if (len > n - p) return "segment cut";
    p += len;
    if (m != 0xDA) continue;
    // Entropy-coded data runs to the next marker other than a stuffed 0xFF00 or RSTn.
    while (true) {
      if (p + 1 >= n) return "scan data cut before its EOI marker";
      if (d[p] == 0xFF && d[p + 1] != 0x00 && !(d[p + 1] >= 0xD0 && d[p + 1] <= 0xD7) &&
          d[p + 1] != 0xFF) {
        break;
      }
      p += (d[p] == 0xFF && d[p + 1] != 0xFF) ? 2 : 1;
    }
  }
}

std::string PngIncomplete(const uint8_t* d, size_t n) {
  size_t p = 8;
  while (true) {
    if (n - p < 12) return "ends before its IEND chunk";
    const uint32_t len = (uint32_t{d[p]} << 24) | (uint32_t{d[p + 1]} << 16) |
                         (uint32_t{d[p + 2]} << 8) | d[p + 3];
    if (len > 0x7FFFFFFFu) return "bad chunk length";
    if (size_t{len} > n - p - 12) return "chunk cut";
    const bool iend = std::memcmp(d + p + 4, "IEND", 4) == 0;
    p += 12 + size_t{len};
    if (iend) return "";
  }
}

std::string GifSubBlocks(const uint8_t* d, size_t n, size_t* p) {
  while (true) {
    if (*p >= n) return "data sub-blocks cut";
    const size_t len = d[(*p)++];
    if (len == 0) return "";
    if (len > n - *p) return "data sub-block cut";
    *p += len;
  }
}

std::string GifIncomplete(const uint8_t* d, size_t n) {
  if (n < 13) return "header cut";
  size_t p = 13;
  if (d[10] & 0x80) p += 3 * (size_t{1} << ((d[10] & 7) + 1));
  while (true) {
    if (p >= n) return "ends before its trailer";
    const uint8_t b = d[p++];
    if (b == 0x3B) return "";
    if (b == 0x21) {  // extension: label, sub-blocks
      if (p >= n) return "extension cut";
      ++p;
    } else if (b == 0x2C) {  // image descriptor, local colour table, LZW code size
      if (n - p < 10) return "image descriptor cut";
      const uint8_t flags = d[p + 8];
      p += 9;
      if (flags & 0x80) p += 3 * (size_t{1} << ((flags & 7) + 1));
      if (p >= n) return "image data cut";
      ++p;
    } else {
      return "unknown block at offset " + std::to_string(p - 1);
    }
    std::string err = GifSubBlocks(d, n, &p);
    if (!err.empty()) return err;
  }
}

std::string WebpIncomplete(const uint8_t* d, size_t n) {
  const uint32_t riff = uint32_t{d[4]} | (uint32_t{d[5]} << 8) | (uint32_t{d[6]} << 16) |
                        (uint32_t{d[7]} << 24);
  if (size_t{riff} + 8 > n) return "RIFF payload cut";
  return "";
}

std::string Incomplete(Format fmt, const uint8_t* d, size_t n) {
  switch (fmt) {
    case Format::kJpeg: return JpegIncomplete(d, n);
    case Format::kPng: return PngIncomplete(d, n);
    case Format::kGif: return GifIncomplete(d, n);
    case Format::kWebp: return WebpIncomplete(d, n);
    default: return "unknown format";
  }
}

const char* FormatName(Format fmt) {
  switch (fmt) {
    case Format::kJpeg: return "JPEG";
    case Format::kPng: return "PNG";
    case Format::kGif: return "GIF";
    case Format::kWebp: return "WebP";
    default: return "image";
  }
}

}  // namespace

Status EnsureVipsInitialized() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    ok = vips_init("lancet") == 0;
    if (!ok) vips_error_clear();
  });
  return ok ? Status::OK() : Status::Internal("libvips failed to initialise");
}

Status PreprocessImageBytes(const uint8_t* data, size_t size, const PreprocessOptions& options,
                            std::vector<float>* out) {
  LANCET_RETURN_NOT_OK(EnsureVipsInitialized());
  const int s = options.image_size;
  if (s <= 0 || s > 4096) return Status::InvalidArgument("image: bad target size");
  if (data == nullptr || size == 0) return Status::InvalidArgument("image: empty input");
  const Format fmt = Sniff(data, size);
  if (fmt == Format::kUnknown) {
    return Status::InvalidArgument("image: not a JPEG, PNG, GIF or WebP file");
  }
  if (std::string why = Incomplete(fmt, data, size); !why.empty()) {
    return Status::InvalidArgument(std::string("image: truncated or corrupt ") + FormatName(fmt) +
                                   ": " + why);
  }
  // A fresh source per call: the operation cache never hands back an image of freed bytes.
  Ref<VipsSource> source(vips_source_new_from_memory(data, size));
  if (!source.get()) return VipsError("cannot wrap bytes");
  Ref<VipsImage> img;
  int rc = -1;
  switch (fmt) {
    case Format::kJpeg:
      rc = vips_jpegload_source(source.get(), img.out(), "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case Format::kPng:
      rc = vips_pngload_source(source.get(), img.out(), "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case Format::kGif:
      rc = vips_gifload_source(source.get(), img.out(), "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
    case Format::kWebp:
      rc = vips_webpload_source(source.get(), img.out(), "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
      break;
    default:
      break;
  }
  if (rc != 0) return VipsError("cannot decode");
  const int64_t w0 = vips_image_get_width(img.get()), h0 = vips_image_get_height(img.get());
  if (w0 <= 0 || h0 <= 0) return Status::InvalidArgument("image: empty image");
  if (w0 * h0 > options.max_pixels) {
    return Status::InvalidArgument("image: " + std::to_string(w0) + "x" + std::to_string(h0) +
                                   " exceeds the limit of " + std::to_string(options.max_pixels) +
                                   " pixels");
  }
  // Decode every pixel now: truncation and corruption surface here as an error (lazy decoding
  // inside a later pipeline only logs a warning per failed tile).
  Ref<VipsImage> decoded(vips_image_copy_memory(img.get()));
  if (!decoded.get()) return VipsError("cannot decode");
  // EXIF orientation.
  Ref<VipsImage> rot;
  if (vips_autorot(decoded.get(), rot.out(), nullptr) != 0) return VipsError("cannot auto-rotate");
  // 8-bit sRGB (grey, CMYK, 16-bit, ... are converted; embedded ICC profiles are not applied,
  // as in PIL-based CLIP preprocessing).
  Ref<VipsImage> srgb;
  VipsImage* cur = rot.get();
  if (vips_image_guess_interpretation(cur) != VIPS_INTERPRETATION_sRGB ||
      vips_image_get_format(cur) != VIPS_FORMAT_UCHAR) {
    if (vips_colourspace(cur, srgb.out(), VIPS_INTERPRETATION_sRGB, nullptr) != 0) {
      return VipsError("cannot convert to sRGB");
    }
    cur = srgb.get();
  }
  Ref<VipsImage> u8;
  if (vips_image_get_format(cur) != VIPS_FORMAT_UCHAR) {
    if (vips_cast_uchar(cur, u8.out(), nullptr) != 0) return VipsError("cannot cast to 8 bit");
    cur = u8.get();
  }
  // Alpha: flatten onto white (see README: transparent logos and line art are drawn for white).
  Ref<VipsImage> flat;
  const int bands = vips_image_get_bands(cur);
  if (bands == 2 || bands == 4) {
    VipsArrayDouble* bg = vips_array_double_newv(1, 255.0);
    rc = vips_flatten(cur, flat.out(), "background", bg, "max_alpha", 255.0, nullptr);
    vips_area_unref(VIPS_AREA(bg));
    if (rc != 0) return VipsError("cannot flatten alpha");
    cur = flat.get();
  }
  Ref<VipsImage> three;
  const int b2 = vips_image_get_bands(cur);
  if (b2 == 1) {
    VipsImage* in[3] = {cur, cur, cur};
    if (vips_bandjoin(in, three.out(), 3, nullptr) != 0) return VipsError("cannot join bands");
    cur = three.get();
  } else if (b2 > 3) {
    if (vips_extract_band(cur, three.out(), 0, "n", 3, nullptr) != 0) {
      return VipsError("cannot extract bands");
    }
    cur = three.get();
  } else if (b2 != 3) {
    return Status::InvalidArgument("image: unsupported band count " + std::to_string(b2));
  }
  // Resize the shortest side to s (bicubic, antialiased when shrinking: no box pre-shrink), the
  // longer side to floor(s * long / short) as transformers' CLIPImageProcessor does.
  const int w = vips_image_get_width(cur), h = vips_image_get_height(cur);
  int nw, nh;
  if (w <= h) {
    nw = s;
    nh = std::max<int64_t>(s, static_cast<int64_t>(s) * h / w);
  } else {
    nh = s;
    nw = std::max<int64_t>(s, static_cast<int64_t>(s) * w / h);
  }
  Ref<VipsImage> resized;
  if (nw != w || nh != h) {
    const double hscale = static_cast<double>(nw) / w, vscale = static_cast<double>(nh) / h;
    if (vips_resize(cur, resized.out(), hscale, "vscale", vscale, "kernel", VIPS_KERNEL_CUBIC,
                    "gap", 0.0, nullptr) != 0) {
      return VipsError("cannot resize");
    }
    cur = resized.get();
  }
  // Rounding in the resampler may leave a side one pixel short: pad by edge replication.
  Ref<VipsImage> padded;
  const int rw = vips_image_get_width(cur), rh = vips_image_get_height(cur);
  if (rw < s || rh < s) {
    if (vips_gravity(cur, padded.out(), VIPS_COMPASS_DIRECTION_CENTRE, std::max(rw, s),
                     std::max(rh, s), "extend", VIPS_EXTEND_COPY, nullptr) != 0) {
      return VipsError("cannot pad");
    }
    cur = padded.get();
  }
  const int fw = vips_image_get_width(cur), fh = vips_image_get_height(cur);
  Ref<VipsImage> crop;
  if (vips_extract_area(cur, crop.out(), (fw - s) / 2, (fh - s) / 2, s, s, nullptr) != 0) {
    return VipsError("cannot crop");
  }
  size_t nbytes = 0;
  void* mem = vips_image_write_to_memory(crop.get(), &nbytes);
  if (mem == nullptr) return VipsError("cannot decode");
  const size_t plane = static_cast<size_t>(s) * s;
  if (nbytes != plane * 3) {
    g_free(mem);
    return Status::Internal("image: unexpected pixel buffer size");
  }
  const uint8_t* px = static_cast<const uint8_t*>(mem);
  const size_t base = out->size();
  out->resize(base + 3 * plane);
  float* dst = out->data() + base;
  for (int c = 0; c < 3; ++c) {
    const float scale = 1.0f / (255.0f * options.std[c]);
    const float shift = options.mean[c] / options.std[c];
    float* plane_out = dst + c * plane;
    for (size_t i = 0; i < plane; ++i) plane_out[i] = px[3 * i + c] * scale - shift;
  }
  g_free(mem);
  return Status::OK();
}

Result<std::string> EncodeImage(const uint8_t* pixels, int width, int height, int bands,
                                const std::string& format, int orientation) {
  LANCET_RETURN_NOT_OK(EnsureVipsInitialized());
  if (pixels == nullptr || width <= 0 || height <= 0 || bands < 1 || bands > 4 ||
      static_cast<int64_t>(width) * height > (1LL << 28)) {
    return Status::InvalidArgument("EncodeImage: bad dimensions");
  }
  Ref<VipsImage> img(vips_image_new_from_memory_copy(
      pixels, static_cast<size_t>(width) * height * bands, width, height, bands,
      VIPS_FORMAT_UCHAR));
  if (!img.get()) return VipsError("cannot wrap pixels");
  img.get()->Type = bands >= 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
  if (orientation >= 1 && orientation <= 8) {
    vips_image_set_int(img.get(), VIPS_META_ORIENTATION, orientation);
  }
  void* buf = nullptr;
  size_t len = 0;
  int rc;
  if (format == "png") {
    rc = vips_pngsave_buffer(img.get(), &buf, &len, nullptr);
  } else if (format == "jpeg" || format == "jpg") {
    rc = vips_jpegsave_buffer(img.get(), &buf, &len, "Q", 95, nullptr);
  } else if (format == "webp") {
    rc = vips_webpsave_buffer(img.get(), &buf, &len, "lossless", TRUE, nullptr);
  } else {
    return Status::InvalidArgument("EncodeImage: unknown format " + format);
  }
  if (rc != 0) return VipsError("cannot encode " + format);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

Status PreprocessImageFile(const std::string& path, const PreprocessOptions& options,
                           std::vector<float>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open image " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  Status st = PreprocessImageBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                   options, out);
  return st.ok() ? st : st.WithContext(path);
}

}  // namespace lancet::embed
