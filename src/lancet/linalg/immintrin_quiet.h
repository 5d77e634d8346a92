// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// <immintrin.h> for code that uses AVX-512 intrinsics: GCC 12 reports its own
// _mm512_undefined_* idiom (`__Y = __Y`) as uninitialised once inlined, so the warning is
// silenced for the header's own lines only (diagnostics are attributed to where they arise).
// x86 only; include it inside an x86 guard where the file also builds elsewhere.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
