// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private to lancet_io: AWS Signature Version 4 (header-based) and the hashing it needs.
//
// We sign ourselves rather than through libcurl's CURLOPT_AWS_SIGV4: curl 7.88 (Debian 12)
// signs the query string as sent instead of AWS's canonical form (a LIST with prefix=a/b is
// rejected: the '/' must be signed as %2F), cannot hash a streamed upload body, and knows
// nothing of S3 Express session tokens. Checked against AWS's published examples in
// s3_sigv4_test.cc and, live, by the signature-verifying test proxy (tests/s3/s3_proxy.mjs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lancet::io::s3::internal {

/// \brief Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
/// \brief Raw 16-byte MD5 of `data` (Content-MD5 and ETag checks).
std::string Md5Raw(std::string_view data);
/// Incremental MD5 (the ETag some servers give a multipart object: MD5 of the whole content).
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;
  void Update(std::string_view data);
  /// \brief Return the hex digest of everything so far (the hasher can continue).
  std::string HexDigest() const;

 private:
  void* ctx_;  // EVP_MD_CTX
};

/// \brief Lower-case hex of raw bytes.
std::string HexEncode(std::string_view raw);
/// \brief Standard base64 (with padding).
std::string Base64Encode(std::string_view raw);
/// \brief Raw HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);

/// \brief AWS URI encoding: A-Z a-z 0-9 - _ . ~ stay, everything else is %XX (upper hex);
/// '/' stays only if `keep_slash` (object key paths).
std::string UriEncode(std::string_view s, bool keep_slash);

/// The SHA-256 of the empty string (the payload hash of bodiless requests).
inline constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigningInput {
  std::string method;          // "GET"
  std::string canonical_uri;   // the path as sent, already URI-encoded ("/bucket/a%20b")
  /// Raw (unencoded) query parameters; encoded and sorted by the signer. A parameter without a
  /// value ("?delete") has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  /// Headers to sign (name case is irrelevant); must include "host" and "x-amz-date".
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;    // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct SigningKey {
  std::string access_key_id;
  std::string secret_access_key;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // hex
  std::string authorization;   // the Authorization header value
};

/// \brief Sign a request. `amz_date` is "YYYYMMDDTHHMMSSZ" (the x-amz-date header value).
Signature SignV4(const SigningInput& input, const SigningKey& key, const std::string& region,
                 const std::string& service, const std::string& amz_date);

/// \brief Return the current UTC time as "YYYYMMDDTHHMMSSZ".
std::string AmzDateNow();

}  // namespace lancet::io::s3::internal
