# FEEDD_SANITIZE=address,undefined instruments every target of the build (libraries, feedd, tests),
# so the integration tests run the sanitized daemon. System libraries stay uninstrumented, which
# ASan and UBSan tolerate.
# FEEDD_FUZZ additionally adds libFuzzer's coverage instrumentation and defines the targets in
# tests/fuzz; it needs clang (libFuzzer ships with compiler-rt, not with GCC).
set(FEEDD_SANITIZE "" CACHE STRING "Sanitizers for every target, as -fsanitize= takes them (address,undefined)")
option(FEEDD_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only; implies coverage instrumentation)" OFF)

if(FEEDD_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "FEEDD_FUZZ needs clang (libFuzzer); configure with -DCMAKE_CXX_COMPILER=clang++-19")
endif()

if(FEEDD_SANITIZE)
  # A UBSan report must fail the run, not scroll by: no recovery.
  add_compile_options(-fsanitize=${FEEDD_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # -O1 and line tables only (-g1, enough for symbolized reports), after the build type's -O2 -g:
  # an instrumented build compiles in about half the time (tests/http/server_test.cpp: 62 s ->
  # 30 s; src/daemon/service.cpp: 41 s -> 26 s), which is most of CI's sanitizer phase. -O1 is
  # what the sanitizers' own documentation suggests for usable reports at a reasonable speed.
  add_compile_options(-O1 -g1)
  add_link_options(-fsanitize=${FEEDD_SANITIZE})
endif()
if(FEEDD_FUZZ)
  # libstdc++ 12 calls its own deprecated std::get_temporary_buffer (std::stable_sort); GCC hides
  # that inside system headers, clang reports it at the caller.
  add_compile_options(-fsanitize=fuzzer-no-link -Wno-deprecated-declarations)
endif()
