// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
//
// Umbrella header of the core module: status/result, buffers, the type system, in-memory arrays
// and their builder, float16 and base64 helpers, and the JSON forms of schemas and rows.
#pragma once

#include "lancet/core/array.h"
#include "lancet/core/array_builder.h"
#include "lancet/core/base64.h"
#include "lancet/core/buffer.h"
#include "lancet/core/float16.h"
#include "lancet/core/json_rows.h"
#include "lancet/core/memory.h"
#include "lancet/core/result.h"
#include "lancet/core/status.h"
#include "lancet/core/type.h"
#include "lancet/core/uuid.h"
