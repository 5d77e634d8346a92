// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Standard base64 (RFC 4648 section 4: alphabet A-Z a-z 0-9 + /, '=' padding), used to carry
// binary values in JSON. Decoding is strict. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "lancet/core/result.h"

namespace lancet {

/// \brief Encode bytes as padded standard base64.
std::string Base64Encode(std::string_view bytes);

/// \brief Decode padded standard base64. Rejects (InvalidArgument) a length that is not a multiple
/// of 4, characters outside the alphabet (including whitespace and the URL-safe '-' '_'), padding
/// anywhere but the last one or two characters, and non-zero bits in the padding.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace lancet
