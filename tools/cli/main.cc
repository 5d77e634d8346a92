// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The lancet authors
#include "commands.h"

int main(int argc, char** argv) { return lancet::cli::Main(argc, argv); }
