// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "lancet/io/s3_file_system.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "lancet/io/io_util_internal.h"
#include "lancet/io/s3/http_internal.h"
#include "lancet/io/s3/sigv4_internal.h"
#include "lancet/io/s3/xml_internal.h"

namespace lancet::io {

namespace si = s3::internal;

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string GetEnv(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// The key of a path: no leading or trailing '/'.
std::string KeyOf(const std::string& path) {
  size_t b = path.find_first_not_of('/');
  if (b == std::string::npos) return "";
  size_t e = path.find_last_not_of('/');
  return path.substr(b, e - b + 1);
}

/// The directory as the caller spelled it, without trailing '/', for joining child names.
std::string DirSpelling(const std::string& dir) {
  std::string d = dir;
  while (!d.empty() && d.back() == '/') d.pop_back();
  return d;
}

Result<std::string> PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        return Status::InvalidArgument("bad percent escape in URI: " + s);
      }
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<bool> ParseBool(const std::string& name, const std::string& v) {
  std::string l = ToLower(v);
  if (l == "true" || l == "1" || l == "yes" || l.empty()) return true;
  if (l == "false" || l == "0" || l == "no") return false;
  return Status::InvalidArgument("option " + name + " wants true or false, got '" + v + "'");
}

Result<int64_t> ParseInt(const std::string& name, const std::string& v) {
  char* end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || x < 0) {
    return Status::InvalidArgument("option " + name + " wants a non-negative integer, got '" +
                                   v + "'");
  }
  return static_cast<int64_t>(x);
}

std::string QuoteStrip(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

/// Throttling, server errors and lost connections are worth another attempt.
bool IsRetryable(const si::HttpResponse& r) {
  if (r.status == 0) return !r.body_overflow;
  if (r.status == 429 || r.status == 500 || r.status == 502 || r.status == 503 ||
      r.status == 504) {
    return true;
  }
  if (r.status == 400) {
    std::string code = si::XmlText(r.body, "Code");
    return code == "RequestTimeout" || code == "RequestTimeTooSkewed" ||
           code == "ExpiredToken";
  }
  return false;
}

/// A failed attempt after which the write may nevertheless have been applied.
bool MaybeApplied(const si::HttpResponse& r) {
  if (r.status == 0) return r.maybe_sent;
  return r.status == 500 || r.status == 502 || r.status == 504 || r.status == 400;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// S3Options

void S3Options::FillFromEnvironment() {
  if (access_key_id.empty() && secret_access_key.empty()) {
    access_key_id = GetEnv("AWS_ACCESS_KEY_ID");
    secret_access_key = GetEnv("AWS_SECRET_ACCESS_KEY");
    if (session_token.empty()) session_token = GetEnv("AWS_SESSION_TOKEN");
  }
  if (endpoint.empty() && r2_account_id.empty()) {
    endpoint = GetEnv("AWS_ENDPOINT_URL_S3");
    if (endpoint.empty()) endpoint = GetEnv("AWS_ENDPOINT_URL");
  }
}

Status S3Options::Validate() {
  if (bucket.empty()) return Status::InvalidArgument("S3: no bucket");
  if (!r2_account_id.empty()) {
    if (endpoint.empty()) endpoint = "https://" + r2_account_id + ".r2.cloudflarestorage.com";
    region = "auto";
  }
  if (EndsWith(bucket, "--x-s3")) s3_express = true;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (!endpoint.empty()) {
    std::string l = ToLower(endpoint);
    if (l.rfind("http://", 0) == 0) {
      if (!allow_http) {
        return Status::InvalidArgument("S3: endpoint " + endpoint +
                                       " is plain http; set allow_http=true to permit it");
      }
    } else if (l.rfind("https://", 0) != 0) {
      return Status::InvalidArgument("S3: endpoint must start with https:// or http://: " +
                                     endpoint);
    }
  }
  if (!path_style.has_value()) path_style = !endpoint.empty() && !s3_express;
  if (region.empty()) region = "us-east-1";
  if (access_key_id.empty() != secret_access_key.empty()) {
    return Status::InvalidArgument("S3: access key id and secret access key go together");
  }
  if (part_size < 1) {
    return Status::InvalidArgument("S3: part_size must be positive");
  }
  if (delete_batch_size < 1 || delete_batch_size > 1000) {
    return Status::InvalidArgument("S3: delete_batch_size must be in 1..1000");
  }
  if (list_page_size < 1 || list_page_size > 1000) {
    return Status::InvalidArgument("S3: list_page_size must be in 1..1000");
  }
  if (retry.max_retries < 0) return Status::InvalidArgument("S3: max_retries must be >= 0");
  return Status::OK();
}

Result<S3Options> S3Options::FromUri(const std::string& uri, std::string* path) {
  std::string scheme = UriScheme(uri);
  if (scheme != "s3" && scheme != "r2" && scheme != "s3a") {
    return Status::InvalidArgument("not an s3:// or r2:// URI: " + uri);
  }
  std::string rest = uri.substr(uri.find(':') + 1);
  if (rest.rfind("//", 0) != 0) return Status::InvalidArgument("S3 URI needs //bucket: " + uri);
  rest = rest.substr(2);
  std::string query;
  size_t q = rest.find('?');
  if (q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  S3Options o;
  size_t slash = rest.find('/');
  o.bucket = rest.substr(0, slash);
  if (o.bucket.empty()) return Status::InvalidArgument("S3 URI has no bucket: " + uri);
  std::string p = slash == std::string::npos ? "/" : rest.substr(slash);
  LANCET_ASSIGN_OR_RETURN(p, PercentDecode(p));
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (path != nullptr) *path = p;

  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    pos = amp == std::string::npos ? query.size() + 1 : amp + 1;
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    LANCET_ASSIGN_OR_RETURN(std::string k, PercentDecode(kv.substr(0, eq)));
    std::string v;
    if (eq != std::string::npos) {
      LANCET_ASSIGN_OR_RETURN(v, PercentDecode(kv.substr(eq + 1)));
    }
    k = ToLower(k);
    if (k == "endpoint" || k == "endpoint_url" || k == "aws_endpoint" ||
        k == "aws_endpoint_url") {
      o.endpoint = v;
    } else if (k == "region" || k == "aws_region") {
      o.region = v;
    } else if (k == "allow_http" || k == "aws_allow_http") {
      LANCET_ASSIGN_OR_RETURN(o.allow_http, ParseBool(k, v));
    } else if (k == "path_style" || k == "force_path_style") {
      LANCET_ASSIGN_OR_RETURN(bool b, ParseBool(k, v));
      o.path_style = b;
    } else if (k == "virtual_hosted_style_request" || k == "aws_virtual_hosted_style_request") {
      LANCET_ASSIGN_OR_RETURN(bool b, ParseBool(k, v));
      o.path_style = !b;
    } else if (k == "access_key_id" || k == "aws_access_key_id") {
      o.access_key_id = v;
    } else if (k == "secret_access_key" || k == "aws_secret_access_key") {
      o.secret_access_key = v;
    } else if (k == "session_token" || k == "aws_session_token" || k == "token") {
      o.session_token = v;
    } else if (k == "r2_account_id" || k == "account_id") {
      o.r2_account_id = v;
    } else if (k == "connect_timeout_ms") {
      LANCET_ASSIGN_OR_RETURN(o.connect_timeout_ms, ParseInt(k, v));
    } else if (k == "request_timeout_ms" || k == "timeout_ms") {
      LANCET_ASSIGN_OR_RETURN(o.request_timeout_ms, ParseInt(k, v));
    } else if (k == "max_retries") {
      LANCET_ASSIGN_OR_RETURN(int64_t n, ParseInt(k, v));
      o.retry.max_retries = static_cast<int>(n);
    } else if (k == "initial_backoff_ms") {
      LANCET_ASSIGN_OR_RETURN(o.retry.initial_backoff_ms, ParseInt(k, v));
    } else if (k == "max_backoff_ms") {
      LANCET_ASSIGN_OR_RETURN(o.retry.max_backoff_ms, ParseInt(k, v));
    } else if (k == "part_size") {
      LANCET_ASSIGN_OR_RETURN(o.part_size, ParseInt(k, v));
    } else if (k == "list_page_size") {
      LANCET_ASSIGN_OR_RETURN(int64_t n, ParseInt(k, v));
      o.list_page_size = static_cast<int>(n);
    } else if (k == "unsigned_payload") {
      LANCET_ASSIGN_OR_RETURN(o.unsigned_payload, ParseBool(k, v));
    } else {
      return Status::InvalidArgument("unknown S3 option '" + k + "' in " + uri);
    }
  }
  if (scheme == "r2" && o.r2_account_id.empty()) {
    o.r2_account_id = GetEnv("R2_ACCOUNT_ID");
    if (o.r2_account_id.empty()) o.r2_account_id = GetEnv("CLOUDFLARE_ACCOUNT_ID");
    if (o.r2_account_id.empty() && o.endpoint.empty()) {
      return Status::InvalidArgument(
          "r2:// needs an account: option r2_account_id or env R2_ACCOUNT_ID: " + uri);
    }
  }
  if (o.region == "us-east-1" && uri.find("region=") == std::string::npos) {
    std::string env = GetEnv("AWS_REGION");
    if (env.empty()) env = GetEnv("AWS_DEFAULT_REGION");
    if (!env.empty()) o.region = env;
  }
  o.FillFromEnvironment();
  LANCET_RETURN_NOT_OK(o.Validate());
  return o;
}

// ---------------------------------------------------------------------------------------------
// The client: URLs, signing, retries

class S3FileSystem::Impl : public std::enable_shared_from_this<Impl> {
 public:
  explicit Impl(S3Options o) : opts(std::move(o)), stats(opts.stats) {
    if (!stats) stats = std::make_shared<IoStats>();
    std::string ep = opts.endpoint;
    if (ep.empty()) {
      if (opts.s3_express) {
        // bucket "name--usw2-az1--x-s3": the zone id is the second-to-last "--" field.
        std::string b = opts.bucket.substr(0, opts.bucket.size() - 6);
        size_t dd = b.rfind("--");
        std::string az = dd == std::string::npos ? "" : b.substr(dd + 2);
        ep = "https://s3express-" + az + "." + opts.region + ".amazonaws.com";
      } else {
        ep = "https://s3." + opts.region + ".amazonaws.com";
      }
    }
    size_t scheme_end = ep.find("://");
    scheme = ep.substr(0, scheme_end);
    std::string hostport = ep.substr(scheme_end + 3);
    size_t slash = hostport.find('/');
    if (slash != std::string::npos) hostport = hostport.substr(0, slash);
    host = *opts.path_style ? hostport : opts.bucket + "." + hostport;
    // Drop default ports from the Host header (what servers reconstruct and sign).
    if ((scheme == "https" && EndsWith(host, ":443")) ||
        (scheme == "http" && EndsWith(host, ":80"))) {
      host = host.substr(0, host.rfind(':'));
    }
    service = opts.s3_express ? "s3express" : "s3";
    rng.seed(std::random_device{}());
  }

  /// One logical S3 call; Execute retries it.
  struct Call {
    IoKind kind = IoKind::kGet;
    std::string method = "GET";
    std::string key;  // empty: the bucket
    bool bucket_level = false;
    Params query;
    Params headers;
    std::string_view body;
    void* sink = nullptr;
    int64_t sink_capacity = 0;
    bool session_auth = true;  // S3 Express: sign with session credentials
    bool fresh_connection = false;  // must not be replayed by libcurl (see HttpRequest)
  };

  struct Outcome {
    si::HttpResponse response;
    int attempts = 0;
    bool maybe_applied_earlier = false;  // an earlier failed attempt may have been applied
  };

  std::string CanonicalPath(const std::string& key, bool bucket_level) const {
    std::string enc = si::UriEncode(key, true);
    if (*opts.path_style) {
      return bucket_level ? "/" + opts.bucket : "/" + opts.bucket + "/" + enc;
    }
    return "/" + enc;
  }

  std::string Url(const Call& c) const {
    std::string url = scheme + "://" + host + CanonicalPath(c.key, c.bucket_level);
    if (!c.query.empty()) {
      url += "?";
      for (size_t i = 0; i < c.query.size(); ++i) {
        if (i) url += "&";
        url += si::UriEncode(c.query[i].first, false) + "=" +
               si::UriEncode(c.query[i].second, false);
      }
    }
    return url;
  }

  struct Creds {
    std::string access_key_id, secret_access_key, token;
    bool express_session = false;
  };

  Result<Creds> CredentialsFor(const Call& c) {
    Creds base{opts.access_key_id, opts.secret_access_key, opts.session_token, false};
    if (!opts.s3_express || !c.session_auth) return base;
    std::lock_guard<std::mutex> lock(session_mu);
    int64_t now = internal::WallClockNanos();
    if (!session.access_key_id.empty() && now < session_expires_ns) return session;
    // CreateSession: GET /?session on the bucket, signed with the base credentials.
    Call cs;
    cs.kind = IoKind::kHead;  // a metadata request; counted as such
    cs.method = "GET";
    cs.bucket_level = true;
    cs.query = {{"session", ""}};
    cs.headers = {{"x-amz-create-session-mode", "ReadWrite"}};
    cs.session_auth = false;
    LANCET_ASSIGN_OR_RETURN(Outcome out, Execute(cs));
    if (!IsSuccess(out.response.status)) return ErrorOf(out.response, "CreateSession", "/");
    const std::string& b = out.response.body;
    Creds s{si::XmlText(b, "AccessKeyId"), si::XmlText(b, "SecretAccessKey"),
            si::XmlText(b, "SessionToken"), true};
    if (s.access_key_id.empty() || s.token.empty()) {
      return Status::IOError("S3 Express CreateSession returned no credentials: " + b);
    }
    int64_t exp = si::ParseIso8601Nanos(si::XmlText(b, "Expiration"));
    // Sessions last five minutes; renew one minute early.
    session_expires_ns = (exp > 0 ? exp : now + 300'000'000'000) - 60'000'000'000;
    session = s;
    return session;
  }

  si::HttpRequest Prepare(const Call& c, const Creds& creds) const {
    si::HttpRequest req;
    req.method = c.method;
    req.url = Url(c);
    req.body = c.body;
    req.sink = c.sink;
    req.sink_capacity = c.sink_capacity;
    req.fresh_connection = c.fresh_connection;
    req.connect_timeout_ms = opts.connect_timeout_ms;
    req.timeout_ms = opts.request_timeout_ms;
    std::string amz_date = si::AmzDateNow();
    std::string payload_hash =
        c.body.empty() ? std::string(si::kEmptySha256)
                       : (opts.unsigned_payload ? std::string("UNSIGNED-PAYLOAD")
                                                : si::Sha256Hex(c.body));
    req.headers = {{"host", host}, {"x-amz-date", amz_date},
                   {"x-amz-content-sha256", payload_hash}};
    if (!creds.token.empty()) {
      req.headers.emplace_back(creds.express_session ? "x-amz-s3session-token"
                                                     : "x-amz-security-token",
                               creds.token);
    }
    for (const auto& h : c.headers) req.headers.push_back(h);
    if (!creds.access_key_id.empty()) {
      si::SigningInput in;
      in.method = c.method;
      in.canonical_uri = CanonicalPath(c.key, c.bucket_level);
      in.query = c.query;
      in.headers = req.headers;
      in.payload_hash = payload_hash;
      si::Signature sig = si::SignV4(in, {creds.access_key_id, creds.secret_access_key},
                                     opts.region, service, amz_date);
      req.headers.emplace_back("authorization", sig.authorization);
    }
    return req;
  }

  int64_t BackoffMillis(int retry) {
    int64_t cap = opts.retry.initial_backoff_ms;
    for (int i = 0; i < retry && cap < opts.retry.max_backoff_ms; ++i) cap *= 2;
    cap = std::min(cap, opts.retry.max_backoff_ms);
    if (cap <= 0) return 0;
    std::lock_guard<std::mutex> lock(rng_mu);
    return std::uniform_int_distribution<int64_t>(0, cap)(rng);
  }

  /// Run a call with retries. Returns the last response (any HTTP status) unless every attempt
  /// failed without a response, which is an IOError.
  Result<Outcome> Execute(const Call& c) {
    Outcome out;
    for (int attempt = 0; attempt <= opts.retry.max_retries; ++attempt) {
      if (attempt > 0) {
        stats->RecordRetry(c.kind);
        std::this_thread::sleep_for(std::chrono::milliseconds(BackoffMillis(attempt - 1)));
      }
      LANCET_ASSIGN_OR_RETURN(Creds creds, CredentialsFor(c));
      si::HttpRequest req = Prepare(c, creds);
      stats->BeginRequest();
      int64_t t0 = internal::MonotonicNanos();
      si::HttpResponse r = si::PerformHttp(req);
      int64_t latency = internal::MonotonicNanos() - t0;
      stats->EndRequest();
      bool ok = IsSuccess(r.status);
      int64_t received = ok ? r.sink_bytes + static_cast<int64_t>(r.body.size()) : 0;
      int64_t sent = static_cast<int64_t>(c.body.size());
      stats->Record(c.kind, received, ok ? sent : 0, latency, ok);
      stats->RecordHttp(r.status, sent);
      out.attempts = attempt + 1;
      bool retry = IsRetryable(r) && attempt < opts.retry.max_retries;
      if (retry && MaybeApplied(r)) out.maybe_applied_earlier = true;
      if (r.status == 403 && opts.s3_express && c.session_auth &&
          si::XmlText(r.body, "Code") == "ExpiredToken") {
        std::lock_guard<std::mutex> lock(session_mu);
        session = Creds{};
      }
      out.response = std::move(r);
      if (!retry) break;
    }
    if (out.response.status == 0) {
      return Status::IOError("S3 " + c.method + " " + Url(c) + " failed after " +
                             std::to_string(out.attempts) +
                             " attempt(s): " + out.response.transport_error,
                             /*retryable=*/true);
    }
    return out;
  }

  /// Turn a non-2xx response into a Status: 404 NotFound, everything else IOError.
  Status ErrorOf(const si::HttpResponse& r, const std::string& what,
                 const std::string& path) const {
    std::string code = si::XmlText(r.body, "Code");
    std::string message = si::XmlText(r.body, "Message");
    std::string msg = "S3 " + what + " " + path + ": HTTP " + std::to_string(r.status) +
                      (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
    if (r.status == 404) return Status::NotFound(msg);
    return Status::IOError(msg);
  }

  // --- operations ---------------------------------------------------------------------------

  Result<si::HttpResponse> Head(const std::string& key) {
    Call c;
    c.kind = IoKind::kHead;
    c.method = "HEAD";
    c.key = key;
    LANCET_ASSIGN_OR_RETURN(Outcome out, Execute(c));
    return std::move(out.response);
  }

  struct ListPage {
    std::vector<FileInfo> files;     // path = key relative to the listed prefix
    std::vector<std::string> dirs;   // relative names without trailing '/'
  };

  /// LIST v2 of every key under `prefix` (which ends in '/' or is empty), all pages.
  Result<ListPage> ListKeys(const std::string& prefix, bool delimited, int max_keys_total = -1) {
    ListPage page;
    std::string token;
    while (true) {
      Call c;
      c.kind = IoKind::kList;
      c.bucket_level = true;
      int page_size = opts.list_page_size;
      if (max_keys_total > 0) page_size = std::min(page_size, max_keys_total);
      c.query = {{"list-type", "2"}, {"max-keys", std::to_string(page_size)}};
      if (!prefix.empty()) c.query.emplace_back("prefix", prefix);
      if (delimited) c.query.emplace_back("delimiter", "/");
      if (!token.empty()) c.query.emplace_back("continuation-token", token);
      LANCET_ASSIGN_OR_RETURN(Outcome out, Execute(c));
      const si::HttpResponse& r = out.response;
      if (!IsSuccess(r.status)) return ErrorOf(r, "LIST", "/" + prefix);
      for (std::string_view e : si::XmlElements(r.body, "Contents")) {
        FileInfo fi;
        std::string key = si::XmlText(e, "Key");
        if (key.size() < prefix.size()) continue;
        fi.path = key.substr(prefix.size());
        fi.size = std::strtoll(si::XmlText(e, "Size").c_str(), nullptr, 10);
        fi.mtime_ns = si::ParseIso8601Nanos(si::XmlText(e, "LastModified"));
        page.files.push_back(std::move(fi));
      }
      for (std::string_view e : si::XmlElements(r.body, "CommonPrefixes")) {
        std::string p = si::XmlText(e, "Prefix");
        if (p.size() <= prefix.size()) continue;
        p = p.substr(prefix.size());
        while (!p.empty() && p.back() == '/') p.pop_back();
        if (!p.empty()) page.dirs.push_back(std::move(p));
      }
      bool truncated = si::XmlText(r.body, "IsTruncated") == "true";
      token = si::XmlText(r.body, "NextContinuationToken");
      if (!truncated || token.empty()) break;
      if (max_keys_total > 0 &&
          static_cast<int>(page.files.size() + page.dirs.size()) >= max_keys_total) {
        break;
      }
    }
    return page;
  }

  Result<bool> IsDirectory(const std::string& key) {
    if (key.empty()) return true;
    LANCET_ASSIGN_OR_RETURN(ListPage p, ListKeys(key + "/", false, 1));
    return !p.files.empty() || !p.dirs.empty();
  }

  Status Put(const std::string& key, std::string_view body, IoKind kind, Params headers,
             const std::string& path, bool* maybe_applied_earlier = nullptr,
             std::string* etag = nullptr) {
    Call c;
    c.kind = kind;
    c.fresh_connection = kind == IoKind::kPutIfAbsent;
    c.method = "PUT";
    c.key = key;
    c.body = body;
    c.headers = std::move(headers);
    LANCET_ASSIGN_OR_RETURN(Outcome out, Execute(c));
    if (maybe_applied_earlier) *maybe_applied_earlier = out.maybe_applied_earlier;
    const si::HttpResponse& r = out.response;
    if (r.status == 412 || r.status == 409) {
      return Status::AlreadyExists("S3 PUT " + path + ": HTTP " + std::to_string(r.status) + " " +
                                   si::XmlText(r.body, "Code"));
    }
    if (!IsSuccess(r.status)) return ErrorOf(r, "PUT", path);
    if (etag) *etag = QuoteStrip(r.Header("etag"));
    return Status::OK();
  }

  Status DeleteKeys(const std::vector<std::string>& keys) {
    const size_t batch = static_cast<size_t>(opts.delete_batch_size);
    for (size_t start = 0; start < keys.size(); start += batch) {
      size_t end = std::min(keys.size(), start + batch);
      std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
      for (size_t i = start; i < end; ++i) {
        body += "<Object><Key>" + si::XmlEscape(keys[i]) + "</Key></Object>";
      }
      body += "</Delete>";
      Call c;
      c.kind = IoKind::kDelete;
      c.method = "POST";
      c.bucket_level = true;
      c.query = {{"delete", ""}};
      c.body = body;
      c.headers = {{"content-md5", si::Base64Encode(si::Md5Raw(body))},
                   {"content-type", "application/xml"}};
      LANCET_ASSIGN_OR_RETURN(Outcome out, Execute(c));
      const si::HttpResponse& r = out.response;
      if (!IsSuccess(r.status)) return ErrorOf(r, "DELETE (batch)", "/" + keys[start]);
      std::vector<std::string_view> errors = si::XmlElements(r.body, "Error");
      if (!errors.empty()) {
        return Status::IOError("S3 batch delete failed for " + si::XmlText(errors[0], "Key") +
                               ": " + si::XmlText(errors[0], "Code") + " " +
                               si::XmlText(errors[0], "Message") + " (" +
                               std::to_string(errors.size()) + " failures)");
      }
    }
    return Status::OK();
  }

  S3Options opts;
  std::shared_ptr<IoStats> stats;
  std::string scheme;
  std::string host;
  std::string service;
  std::mutex rng_mu;
  std::mt19937_64 rng;
  std::mutex session_mu;
  Creds session;
  int64_t session_expires_ns = 0;
};

namespace {

// ---------------------------------------------------------------------------------------------
// Reading

class S3RandomAccessFile : public RandomAccessFile {
 public:
  S3RandomAccessFile(std::shared_ptr<S3FileSystem::Impl> impl, std::string path, int64_t size)
      : impl_(std::move(impl)), path_(std::move(path)), key_(KeyOf(path_)), size_(size) {}

  const std::string& path() const override { return path_; }
  Result<int64_t> GetSize() override { return size_; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, void* out) override {
    LANCET_RETURN_NOT_OK(CheckBounds(offset, length, size_));
    if (length == 0) return 0;
    S3FileSystem::Impl::Call c;
    c.kind = IoKind::kGet;
    c.key = key_;
    c.headers = {{"range", "bytes=" + std::to_string(offset) + "-" +
                               std::to_string(offset + length - 1)}};
    c.sink = out;
    c.sink_capacity = length;
    LANCET_ASSIGN_OR_RETURN(S3FileSystem::Impl::Outcome o, impl_->Execute(c));
    const s3::internal::HttpResponse& r = o.response;
    if (!IsSuccess(r.status)) {
      return impl_->ErrorOf(r, "GET", path_ + " at offset " + std::to_string(offset) +
                                          ", length " + std::to_string(length));
    }
    if (r.sink_bytes != length) {
      return Status::IOError("S3 GET " + path_ + ": short read at offset " +
                             std::to_string(offset) + ": got " + std::to_string(r.sink_bytes) +
                             " of " + std::to_string(length) + " bytes (file size " +
                             std::to_string(size_) + ")");
    }
    return length;
  }

  CoalesceOptions coalesce_options() const override {
    return impl_->opts.capabilities.coalesce_options();
  }

 private:
  std::shared_ptr<S3FileSystem::Impl> impl_;
  std::string path_;
  std::string key_;
  int64_t size_;
};

// ---------------------------------------------------------------------------------------------
// Writing: single PUT, or multipart with equal-size parts

class S3OutputStream : public OutputStream {
 public:
  S3OutputStream(std::shared_ptr<S3FileSystem::Impl> impl, std::string path)
      : impl_(std::move(impl)), path_(std::move(path)), key_(KeyOf(path_)) {}

  ~S3OutputStream() override {
    if (!closed_) (void)Abort();
  }

  const std::string& path() const override { return path_; }

  using OutputStream::Write;
  Status Write(const void* data, size_t n) override {
    if (closed_) return Status::InvalidArgument("write to closed stream " + path_);
    buffer_.append(static_cast<const char*>(data), n);
    written_ += static_cast<int64_t>(n);
    content_md5_.Update(std::string_view(static_cast<const char*>(data), n));
    const size_t part = static_cast<size_t>(impl_->opts.part_size);
    // Keep at least one byte beyond a full part buffered: a stream of exactly part_size bytes
    // is one PUT, and the last part is never empty.
    size_t consumed = 0;
    while (buffer_.size() - consumed > part) {
      Status st = UploadPart(std::string_view(buffer_).substr(consumed, part));
      if (!st.ok()) {
        (void)Abort();
        return st;
      }
      consumed += part;
    }
    if (consumed) buffer_.erase(0, consumed);
    return Status::OK();
  }

  Result<int64_t> Tell() const override { return written_; }

  Status Close() override {
    if (closed_) return Status::OK();
    Status st = Finish();
    closed_ = true;
    if (!st.ok() && !upload_id_.empty()) (void)AbortUpload();
    buffer_.clear();
    buffer_.shrink_to_fit();
    return st;
  }

  Status Abort() override {
    if (closed_) return Status::OK();
    closed_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    if (!upload_id_.empty()) return AbortUpload();
    return Status::OK();
  }

  bool closed() const override { return closed_; }

 private:
  using Call = S3FileSystem::Impl::Call;

  Status Finish() {
    if (upload_id_.empty()) {
      return impl_->Put(key_, buffer_, IoKind::kPut, {}, path_);
    }
    if (!buffer_.empty()) LANCET_RETURN_NOT_OK(UploadPart(buffer_));
    std::string body = "<CompleteMultipartUpload>";
    std::string md5s;
    for (size_t i = 0; i < etags_.size(); ++i) {
      body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>\"" +
              etags_[i] + "\"</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    Call c;
    c.kind = IoKind::kPut;
    c.method = "POST";
    c.key = key_;
    c.query = {{"uploadId", upload_id_}};
    c.body = body;
    c.headers = {{"content-type", "application/xml"}};
    c.fresh_connection = true;  // a silent replay would fail with NoSuchUpload
    LANCET_ASSIGN_OR_RETURN(S3FileSystem::Impl::Outcome out, impl_->Execute(c));
    const s3::internal::HttpResponse& r = out.response;
    if (r.status == 404 && out.maybe_applied_earlier) {
      // An earlier attempt completed the upload but its answer was lost: the object must now
      // carry the ETag of exactly our parts (S3 and R2: MD5 of the part MD5s + "-N"; some
      // servers, s3rver among them: MD5 of the content) and our size.
      LANCET_ASSIGN_OR_RETURN(s3::internal::HttpResponse head, impl_->Head(key_));
      std::string etag = QuoteStrip(head.Header("etag"));
      if (IsSuccess(head.status) &&
          (etag == ExpectedMultipartEtag() || etag == content_md5_.HexDigest()) &&
          std::strtoll(head.Header("content-length").c_str(), nullptr, 10) == written_) {
        upload_id_.clear();
        return Status::OK();
      }
    }
    if (!IsSuccess(r.status)) return impl_->ErrorOf(r, "CompleteMultipartUpload", path_);
    // A 200 can still carry an error document.
    if (!s3::internal::XmlElements(r.body, "Error").empty()) {
      return Status::IOError("S3 CompleteMultipartUpload " + path_ + ": " +
                             s3::internal::XmlText(r.body, "Code") + " " +
                             s3::internal::XmlText(r.body, "Message"));
    }
    upload_id_.clear();
    return Status::OK();
  }

  std::string ExpectedMultipartEtag() const {
    std::string cat;
    for (const std::string& e : etags_) {
      // Part ETags are hex MD5s; rebuild the raw bytes.
      for (size_t i = 0; i + 1 < e.size(); i += 2) {
        cat.push_back(static_cast<char>(std::stoi(e.substr(i, 2), nullptr, 16)));
      }
    }
    return s3::internal::HexEncode(s3::internal::Md5Raw(cat)) + "-" +
           std::to_string(etags_.size());
  }

  Status StartUpload() {
    Call c;
    c.kind = IoKind::kPut;
    c.method = "POST";
    c.key = key_;
    c.query = {{"uploads", ""}};
    LANCET_ASSIGN_OR_RETURN(S3FileSystem::Impl::Outcome out, impl_->Execute(c));
    if (!IsSuccess(out.response.status)) {
      return impl_->ErrorOf(out.response, "CreateMultipartUpload", path_);
    }
    upload_id_ = s3::internal::XmlText(out.response.body, "UploadId");
    if (upload_id_.empty()) {
      return Status::IOError("S3 CreateMultipartUpload " + path_ + ": no UploadId in " +
                             out.response.body);
    }
    return Status::OK();
  }

  Status UploadPart(std::string_view data) {
    if (upload_id_.empty()) LANCET_RETURN_NOT_OK(StartUpload());
    Call c;
    c.kind = IoKind::kPut;
    c.method = "PUT";
    c.key = key_;
    c.query = {{"partNumber", std::to_string(etags_.size() + 1)}, {"uploadId", upload_id_}};
    c.body = data;
    LANCET_ASSIGN_OR_RETURN(S3FileSystem::Impl::Outcome out, impl_->Execute(c));
    if (!IsSuccess(out.response.status)) {
      return impl_->ErrorOf(out.response, "UploadPart " + std::to_string(etags_.size() + 1),
                            path_);
    }
    std::string etag = QuoteStrip(out.response.Header("etag"));
    if (etag.empty()) etag = s3::internal::HexEncode(s3::internal::Md5Raw(data));
    etags_.push_back(std::move(etag));
    return Status::OK();
  }

  Status AbortUpload() {
    Call c;
    c.kind = IoKind::kDelete;
    c.method = "DELETE";
    c.key = key_;
    c.query = {{"uploadId", upload_id_}};
    upload_id_.clear();
    LANCET_ASSIGN_OR_RETURN(S3FileSystem::Impl::Outcome out, impl_->Execute(c));
    if (!IsSuccess(out.response.status) && out.response.status != 404) {
      return impl_->ErrorOf(out.response, "AbortMultipartUpload", path_);
    }
    return Status::OK();
  }

  std::shared_ptr<S3FileSystem::Impl> impl_;
  std::string path_;
  std::string key_;
  std::string buffer_;
  int64_t written_ = 0;
  s3::internal::Md5Hasher content_md5_;
  bool closed_ = false;
  std::string upload_id_;
  std::vector<std::string> etags_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// S3FileSystem

S3FileSystem::S3FileSystem(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
S3FileSystem::~S3FileSystem() = default;

Result<std::shared_ptr<S3FileSystem>> S3FileSystem::Make(S3Options options) {
  LANCET_RETURN_NOT_OK(options.Validate());
  return std::shared_ptr<S3FileSystem>(
      new S3FileSystem(std::make_shared<Impl>(std::move(options))));
}

const S3Options& S3FileSystem::options() const { return impl_->opts; }
const std::shared_ptr<IoStats>& S3FileSystem::stats() const { return impl_->stats; }

std::string S3FileSystem::UrlOf(const std::string& path) const {
  Impl::Call c;
  c.key = KeyOf(path);
  return impl_->Url(c);
}

Capabilities S3FileSystem::capabilities() const { return impl_->opts.capabilities; }

Result<FileInfo> S3FileSystem::GetFileInfo(const std::string& path) {
  std::string key = KeyOf(path);
  FileInfo info;
  info.path = path;
  if (key.empty()) {
    info.is_dir = true;
    return info;
  }
  LANCET_ASSIGN_OR_RETURN(s3::internal::HttpResponse r, impl_->Head(key));
  if (IsSuccess(r.status)) {
    info.size = std::strtoll(r.Header("content-length").c_str(), nullptr, 10);
    info.mtime_ns = s3::internal::ParseHttpDateNanos(r.Header("last-modified"));
    return info;
  }
  if (r.status != 404) return impl_->ErrorOf(r, "HEAD", path);
  LANCET_ASSIGN_OR_RETURN(bool dir, impl_->IsDirectory(key));
  if (!dir) return Status::NotFound("S3: no such file or directory: " + path);
  info.is_dir = true;
  return info;
}

namespace {

// The entries of a listed page as List returns them: full paths, markers dropped, sorted.
std::vector<FileInfo> ListedEntries(const std::string& prefix_dir,
                                    S3FileSystem::Impl::ListPage page) {
  std::string base = DirSpelling(prefix_dir);
  std::vector<FileInfo> out;
  out.reserve(page.files.size() + page.dirs.size());
  for (FileInfo& f : page.files) {
    // Skip directory markers ("dir/"): the listed directory's own and, recursively, nested ones.
    if (f.path.empty() || f.path.back() == '/') continue;
    f.path = base + "/" + f.path;
    out.push_back(std::move(f));
  }
  for (const std::string& d : page.dirs) {
    FileInfo fi;
    fi.path = base + "/" + d;
    fi.is_dir = true;
    out.push_back(std::move(fi));
  }
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

}  // namespace

Result<std::vector<FileInfo>> S3FileSystem::ListFirst(const std::string& prefix_dir,
                                                      int64_t max_entries) {
  if (max_entries <= 0 || max_entries > (1 << 30)) return List(prefix_dir, false);
  std::string key = KeyOf(prefix_dir);
  std::string prefix = key.empty() ? "" : key + "/";
  const int max = static_cast<int>(max_entries);
  LANCET_ASSIGN_OR_RETURN(Impl::ListPage page, impl_->ListKeys(prefix, true, max));
  const int64_t raw = static_cast<int64_t>(page.files.size() + page.dirs.size());
  std::vector<FileInfo> out = ListedEntries(prefix_dir, std::move(page));
  // Directory markers were dropped: if that left fewer than asked while the page was full, the
  // listing may go on, and only the whole of it is known to hold the first entries.
  if (static_cast<int64_t>(out.size()) < max_entries && raw >= max_entries) {
    return List(prefix_dir, false);
  }
  return out;
}

Result<std::vector<FileInfo>> S3FileSystem::List(const std::string& prefix_dir, bool recursive) {
  std::string key = KeyOf(prefix_dir);
  std::string prefix = key.empty() ? "" : key + "/";
  LANCET_ASSIGN_OR_RETURN(Impl::ListPage page, impl_->ListKeys(prefix, !recursive));
  return ListedEntries(prefix_dir, std::move(page));
}

Result<std::shared_ptr<RandomAccessFile>> S3FileSystem::OpenInputFile(const std::string& path) {
  std::string key = KeyOf(path);
  if (key.empty()) return Status::IOError("S3: cannot open the bucket root as a file: " + path);
  LANCET_ASSIGN_OR_RETURN(s3::internal::HttpResponse r, impl_->Head(key));
  if (r.status == 404) {
    LANCET_ASSIGN_OR_RETURN(bool dir, impl_->IsDirectory(key));
    if (dir) return Status::IOError("S3: cannot open a directory for reading: " + path);
    return Status::NotFound("S3: no such file: " + path);
  }
  if (!IsSuccess(r.status)) return impl_->ErrorOf(r, "HEAD", path);
  int64_t size = std::strtoll(r.Header("content-length").c_str(), nullptr, 10);
  return std::shared_ptr<RandomAccessFile>(std::make_shared<S3RandomAccessFile>(impl_, path, size));
}

Result<std::shared_ptr<RandomAccessFile>> S3FileSystem::OpenInputFile(const std::string& path,
                                                                      int64_t known_size) {
  if (known_size < 0) return OpenInputFile(path);
  if (KeyOf(path).empty()) {
    return Status::IOError("S3: cannot open the bucket root as a file: " + path);
  }
  return std::shared_ptr<RandomAccessFile>(
      std::make_shared<S3RandomAccessFile>(impl_, path, known_size));
}

Result<std::unique_ptr<OutputStream>> S3FileSystem::OpenOutputStream(const std::string& path) {
  if (KeyOf(path).empty()) return Status::InvalidArgument("S3: cannot write the bucket root");
  return std::unique_ptr<OutputStream>(std::make_unique<S3OutputStream>(impl_, path));
}

Status S3FileSystem::PutIfAbsent(const std::string& path, const Buffer& data) {
  std::string key = KeyOf(path);
  if (key.empty()) return Status::AlreadyExists("S3: the bucket root exists: " + path);
  bool maybe_applied = false;
  Status st = impl_->Put(key, data.view(), IoKind::kPutIfAbsent, {{"if-none-match", "*"}}, path,
                         &maybe_applied);
  if (st.IsAlreadyExists() && maybe_applied) {
    // An earlier attempt may have created the object before its response was lost. If the
    // object is byte-for-byte ours (single-part ETag = MD5 of the body), that attempt won.
    LANCET_ASSIGN_OR_RETURN(s3::internal::HttpResponse head, impl_->Head(key));
    std::string md5 = s3::internal::HexEncode(s3::internal::Md5Raw(data.view()));
    if (IsSuccess(head.status) && QuoteStrip(head.Header("etag")) == md5 &&
        std::strtoll(head.Header("content-length").c_str(), nullptr, 10) == data.size()) {
      return Status::OK();
    }
  }
  return st;
}

Status S3FileSystem::WriteFile(const std::string& path, const Buffer& data) {
  std::string key = KeyOf(path);
  if (key.empty()) return Status::InvalidArgument("S3: cannot write the bucket root");
  return impl_->Put(key, data.view(), IoKind::kPut, {}, path);
}

Result<Buffer> S3FileSystem::ReadFile(const std::string& path) {
  std::string key = KeyOf(path);
  if (key.empty()) return Status::IOError("S3: cannot read the bucket root: " + path);
  Impl::Call c;
  c.kind = IoKind::kGet;
  c.key = key;
  LANCET_ASSIGN_OR_RETURN(Impl::Outcome out, impl_->Execute(c));
  if (!IsSuccess(out.response.status)) return impl_->ErrorOf(out.response, "GET", path);
  return Buffer::FromString(std::move(out.response.body));
}

Status S3FileSystem::DeleteFile(const std::string& path) {
  std::string key = KeyOf(path);
  if (key.empty()) return Status::IOError("S3: cannot delete the bucket root as a file");
  Impl::Call c;
  c.kind = IoKind::kDelete;
  c.method = "DELETE";
  c.key = key;
  LANCET_ASSIGN_OR_RETURN(Impl::Outcome out, impl_->Execute(c));
  if (IsSuccess(out.response.status) || out.response.status == 404) return Status::OK();
  return impl_->ErrorOf(out.response, "DELETE", path);
}

Status S3FileSystem::DeleteFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> keys;
  keys.reserve(paths.size());
  for (const std::string& p : paths) {
    std::string k = KeyOf(p);
    if (k.empty()) return Status::IOError("S3: cannot delete the bucket root as a file");
    keys.push_back(std::move(k));
  }
  return impl_->DeleteKeys(keys);
}

Status S3FileSystem::DeleteDir(const std::string& path) {
  std::string key = KeyOf(path);
  std::string prefix = key.empty() ? "" : key + "/";
  LANCET_ASSIGN_OR_RETURN(Impl::ListPage page, impl_->ListKeys(prefix, /*delimited=*/false));
  std::vector<std::string> keys;
  for (const FileInfo& f : page.files) keys.push_back(prefix + f.path);
  if (keys.empty()) {
    if (key.empty()) return Status::OK();
    LANCET_ASSIGN_OR_RETURN(s3::internal::HttpResponse head, impl_->Head(key));
    if (IsSuccess(head.status)) return Status::IOError("S3: not a directory: " + path);
    return Status::OK();
  }
  return impl_->DeleteKeys(keys);
}

Status S3FileSystem::Rename(const std::string& from, const std::string& to) {
  std::string src = KeyOf(from);
  std::string dst = KeyOf(to);
  if (src.empty() || dst.empty()) return Status::InvalidArgument("S3: cannot rename the root");
  if (src == dst) return Status::OK();
  Impl::Call c;
  c.kind = IoKind::kRename;
  c.method = "PUT";
  c.key = dst;
  c.headers = {{"x-amz-copy-source",
                "/" + impl_->opts.bucket + "/" + s3::internal::UriEncode(src, true)}};
  LANCET_ASSIGN_OR_RETURN(Impl::Outcome out, impl_->Execute(c));
  const s3::internal::HttpResponse& r = out.response;
  if (r.status == 404) return Status::NotFound("S3: rename source does not exist: " + from);
  if (!IsSuccess(r.status)) return impl_->ErrorOf(r, "COPY", from + " -> " + to);
  if (!s3::internal::XmlElements(r.body, "Error").empty()) {
    return Status::IOError("S3 COPY " + from + " -> " + to + ": " +
                           s3::internal::XmlText(r.body, "Code"));
  }
  return DeleteFile(from);
}

Status S3FileSystem::CreateDir(const std::string& path) {
  std::string key = KeyOf(path);
  if (key.empty()) return Status::OK();
  LANCET_ASSIGN_OR_RETURN(s3::internal::HttpResponse head, impl_->Head(key));
  if (IsSuccess(head.status)) return Status::IOError("S3: a file exists at " + path);
  if (head.status != 404) return impl_->ErrorOf(head, "HEAD", path);
  return impl_->Put(key + "/", std::string_view(), IoKind::kPut, {}, path);
}

// ---------------------------------------------------------------------------------------------
// URIs

Result<FileSystemAndPath> S3FileSystemFromUri(const std::string& uri) {
  std::string path;
  LANCET_ASSIGN_OR_RETURN(S3Options o, S3Options::FromUri(uri, &path));
  // One file system per distinct configuration, so URIs share connections and stats.
  std::string cache_key = o.bucket + "\n" + o.endpoint + "\n" + o.region + "\n" +
                          (*o.path_style ? "p" : "v") + (o.allow_http ? "h" : "s") + "\n" +
                          o.access_key_id + "\n" + o.secret_access_key + "\n" + o.session_token +
                          "\n" + std::to_string(o.connect_timeout_ms) + "/" +
                          std::to_string(o.request_timeout_ms) + "/" +
                          std::to_string(o.retry.max_retries) + "/" +
                          std::to_string(o.retry.initial_backoff_ms) + "/" +
                          std::to_string(o.retry.max_backoff_ms) + "/" +
                          std::to_string(o.part_size) + "/" + std::to_string(o.list_page_size) +
                          (o.unsigned_payload ? "u" : "");
  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::shared_ptr<S3FileSystem>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(cache_key);
  if (it == cache->end()) {
    LANCET_ASSIGN_OR_RETURN(std::shared_ptr<S3FileSystem> fs, S3FileSystem::Make(std::move(o)));
    it = cache->emplace(cache_key, std::move(fs)).first;
  }
  return FileSystemAndPath(it->second, path);
}

Status RegisterS3FileSystemSchemes() {
  for (const char* scheme : {"s3", "r2"}) {
    Status st = RegisterFileSystemScheme(scheme, S3FileSystemFromUri);
    if (!st.ok() && !st.IsAlreadyExists()) return st;
  }
  return Status::OK();
}

}  // namespace lancet::io
