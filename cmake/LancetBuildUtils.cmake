# SPDX-License-Identifier: Apache-2.0
# lancet_add_module(name SOURCES ... DEPS ... [PRIVATE_DEPS ...])
#   One static library per module, target lancet_<name>. DEPS must respect the module graph:
#   core <- io, encoding <- file <- table <- index; core <- linalg <- index; linalg <- embed.
#   Enforced here: a module may only link the modules listed in LANCET_ALLOWED_DEPS_<name>.
set(LANCET_ALLOWED_DEPS_core "")
set(LANCET_ALLOWED_DEPS_io "core")
set(LANCET_ALLOWED_DEPS_encoding "core;proto")
set(LANCET_ALLOWED_DEPS_file "core;io;encoding;proto")
set(LANCET_ALLOWED_DEPS_table "core;io;encoding;file;proto")
set(LANCET_ALLOWED_DEPS_linalg "core")
set(LANCET_ALLOWED_DEPS_index "core;io;encoding;file;table;linalg;proto")
set(LANCET_ALLOWED_DEPS_embed "core;io;linalg")
set(LANCET_ALLOWED_DEPS_testing "core;io;encoding;file;table;linalg;index;embed;proto")

function(lancet_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  foreach(dep ${ARG_DEPS} ${ARG_PRIVATE_DEPS})
    if(dep MATCHES "^lancet_(.*)$")
      set(short ${CMAKE_MATCH_1})
      if(DEFINED LANCET_ALLOWED_DEPS_${name})
        list(FIND LANCET_ALLOWED_DEPS_${name} ${short} found)
        if(found EQUAL -1)
          message(FATAL_ERROR "module ${name} may not depend on ${short} (see docs/design/modules.md)")
        endif()
      endif()
    endif()
  endforeach()
  if(NOT ARG_SOURCES)
    # A module whose sources have not landed yet still yields a (empty) library target.
    set(stub ${CMAKE_BINARY_DIR}/stubs/lancet_${name}_stub.cc)
    file(WRITE ${stub} "// empty module\n")
    set(ARG_SOURCES ${stub})
  endif()
  add_library(lancet_${name} STATIC ${ARG_SOURCES})
  target_include_directories(lancet_${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(lancet_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# lancet_add_test(name SOURCES ... DEPS ... [LABELS ...])
function(lancet_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}"
    ENVIRONMENT "LANCET_SOURCE_DIR=${PROJECT_SOURCE_DIR};LANCET_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
