// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Human-readable description of a Lance 2.0 page encoding, for `lancet file inspect`.
#pragma once

#include <string>

namespace lancet::encoding {

/// \brief Describe a serialized `lance.encodings.ArrayEncoding` as a compact tree, e.g.
/// "Nullable(SomeNull){validity=Flat(1),values=Flat(64)}" or
/// "Binary(null_adj=14){indices=Nullable(NoNull){values=Flat(64)},bytes=Flat(8)}".
/// Unparseable input yields "<invalid ArrayEncoding>"; never fails.
std::string DescribeArrayEncodingV20(const std::string& serialized);

}  // namespace lancet::encoding
