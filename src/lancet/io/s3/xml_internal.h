// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Private to lancet_io: the little XML the S3 API needs. S3 responses are flat, machine-written
// documents (no comments, CDATA or attributes we care about), so elements are found by tag name;
// text is entity-decoded. Not a general XML parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lancet::io::s3::internal {

/// \brief Decode the five predefined entities and numeric character references.
std::string XmlUnescape(std::string_view s);
/// \brief Escape & < > " ' for element text.
std::string XmlEscape(std::string_view s);
/// \brief Return the raw inner text of every <tag>...</tag> (or <tag/> as "") in document
/// order. Elements of the same tag must not nest (true of S3 responses).
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);
/// \brief Return the decoded text of the first <tag>, or "" if there is none.
std::string XmlText(std::string_view xml, std::string_view tag);

/// \brief Parse "2026-11-24T13:16:48.123Z" to nanoseconds since the epoch; 0 if malformed.
int64_t ParseIso8601Nanos(const std::string& s);
/// \brief Parse an HTTP date ("Tue, 24 Nov 2026 13:16:48 GMT"); 0 if malformed.
int64_t ParseHttpDateNanos(const std::string& s);

}  // namespace lancet::io::s3::internal
