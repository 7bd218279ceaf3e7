# Fails if the feedd binary needs LIBRARY at load time, directly (DT_NEEDED) or through another
# library (ldd): feedd opens it with dlopen() only when it is needed (libcurl: when a ping is sent,
# src/ping/curl_library.h; libsystemd: under systemd, src/daemon/systemd.cpp).
# cmake -DBINARY=path/to/feedd -DLIBRARY=libcurl -P library_not_needed.cmake
if(NOT LIBRARY)
  message(FATAL_ERROR "LIBRARY is not set")
endif()
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
if(dynamic MATCHES "\\(NEEDED\\)[^\n]*${LIBRARY}")
  message(FATAL_ERROR "${BINARY} has ${LIBRARY} as a DT_NEEDED dependency:\n${needed}")
endif()

execute_process(COMMAND ldd "${BINARY}" OUTPUT_VARIABLE loaded RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT loaded MATCHES "libc\\.so")
  message(FATAL_ERROR "ldd ${BINARY} failed (exit ${rc})")
endif()
if(loaded MATCHES "${LIBRARY}")
  message(FATAL_ERROR "${BINARY} loads ${LIBRARY} at start through one of its libraries:\n${loaded}")
endif()
message(STATUS "${BINARY}: ${count} NEEDED entries, none of them ${LIBRARY}, and none in what ldd loads")
