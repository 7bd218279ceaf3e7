# Fails if the feedd binary needs libcurl at load time, directly (DT_NEEDED) or through another
# library (ldd): it must open it with dlopen() only when a ping is sent (src/ping/curl_library.h).
# cmake -DBINARY=path/to/feedd -P no_libcurl_needed.cmake
if(NOT BINARY OR NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "BINARY=${BINARY}: no such file")
endif()

execute_process(COMMAND readelf -d "${BINARY}" OUTPUT_VARIABLE dynamic RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT dynamic MATCHES "\\(NEEDED\\)")
  message(FATAL_ERROR "readelf -d ${BINARY} failed or lists no NEEDED entry (exit ${rc})")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*" needed "${dynamic}")
list(LENGTH needed count)
list(JOIN needed "\n" needed)
if(dynamic MATCHES "\\(NEEDED\\)[^\n]*libcurl")
  message(FATAL_ERROR "${BINARY} has libcurl as a DT_NEEDED dependency:\n${needed}")
endif()

execute_process(COMMAND ldd "${BINARY}" OUTPUT_VARIABLE loaded RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT loaded MATCHES "libc\\.so")
  message(FATAL_ERROR "ldd ${BINARY} failed (exit ${rc})")
endif()
if(loaded MATCHES "libcurl")
  message(FATAL_ERROR "${BINARY} loads libcurl at start through one of its libraries:\n${loaded}")
endif()
message(STATUS "${BINARY}: ${count} NEEDED entries, none of them libcurl, and none in what ldd loads")
