// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include "lancet/io/s3/http_internal.h"

namespace lancet::io::s3::internal {

namespace {

// Idle easy handles. curl_easy_reset keeps a handle's connection cache, so taking a handle
// from the pool reuses its open connection to the same host.
class HandlePool {
 public:
  static HandlePool* Get() {
    static HandlePool* pool = new HandlePool();  // never destroyed: used from atexit paths
    return pool;
  }

  CURL* Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CURL* h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  void Give(CURL* h) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }

 private:
  static constexpr size_t kMaxIdle = 128;
  HandlePool() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

struct Exchange {
  const HttpRequest* request;
  HttpResponse* response;
  size_t upload_pos = 0;
  bool overflow = false;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue or a redirect): start over.
    size_t sp = line.find(' ');
    ex->response->status = sp == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    ex->response->headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    ex->response->headers.emplace_back(std::move(name), std::string(value));
  }
  return size * n;
}

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t len = size * n;
  HttpResponse* r = ex->response;
  if (ex->request->sink != nullptr && r->status >= 200 && r->status < 300) {
    if (r->sink_bytes + static_cast<int64_t>(len) > ex->request->sink_capacity) {
      ex->overflow = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    std::memcpy(static_cast<char*>(ex->request->sink) + r->sink_bytes, data, len);
    r->sink_bytes += static_cast<int64_t>(len);
    return len;
  }
  r->body.append(data, len);
  return len;
}

size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view body = ex->request->body;
  size_t len = std::min(size * n, body.size() - ex->upload_pos);
  std::memcpy(buffer, body.data() + ex->upload_pos, len);
  ex->upload_pos += len;
  return len;
}

int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<size_t>(offset) > ex->request->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  ex->upload_pos = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

HttpResponse PerformHttp(const HttpRequest& request) {
  HttpResponse response;
  HandlePool* pool = HandlePool::Get();
  CURL* h = pool->Take();
  if (h == nullptr) {
    response.transport_error = "curl_easy_init failed";
    return response;
  }
  curl_easy_reset(h);
  Exchange ex{&request, &response};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  // Object keys are not file paths: never squash "/./" or "/../".
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  // One connection per pooled handle (a handle serves one request at a time). This also
  // bounds libcurl's silent re-send on a dead reused connection to once per attempt.
  curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 1L);
  if (request.fresh_connection) curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
  // Keep the body bytes as sent (no transparent decompression changes lengths under us).
  curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);

  const std::string& m = request.method;
  if (m == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (m == "PUT") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(h, CURLOPT_READDATA, &ex);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &ex);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (m == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (m != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  struct curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) {
    std::string line = k + ": " + v;
    headers = curl_slist_append(headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip before uploads, no form content type on POST.
  headers = curl_slist_append(headers, "Expect:");
  if (m == "POST" && std::none_of(request.headers.begin(), request.headers.end(), [](const auto& p) {
        return strcasecmp(p.first.c_str(), "content-type") == 0;
      })) {
    headers = curl_slist_append(headers, "Content-Type:");
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    response.body_overflow = ex.overflow;
    if (ex.overflow) {
      response.transport_error = "response body larger than the " +
                                 std::to_string(request.sink_capacity) + " bytes requested";
    } else {
      response.transport_error = std::string(curl_easy_strerror(rc)) +
                                 (errbuf[0] ? std::string(": ") + errbuf : std::string());
    }
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    response.maybe_sent = rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST &&
                          rc != CURLE_COULDNT_RESOLVE_PROXY && rc != CURLE_URL_MALFORMAT;
    response.status = 0;
    // A handle whose transfer failed may hold a broken connection: do not reuse it.
    curl_easy_cleanup(h);
    return response;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.maybe_sent = true;
  pool->Give(h);
  return response;
}

}  // namespace lancet::io::s3::internal
