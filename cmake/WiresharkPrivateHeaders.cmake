# WiresharkPrivateHeaders.cmake - the uninstalled Wireshark headers a wiretap
# (file type) plugin needs.
#
# Wireshark 4.0, 4.2 and 4.4 dev packages lack wiretap/wtap-int.h (struct wtap,
# struct wtap_dumper) and wsutil/file_util.h (included by the installed
# wiretap/file_wrappers.h). They are extracted at configure time from the
# source of the exact installed version by scripts/fetch-wireshark-headers.sh.
# From 4.6 on the installed wiretap/wtap_module.h replaces them.
#
# Input:  BPFDIG_WS_MAJOR, BPFDIG_WS_MINOR, WIRESHARK_INCLUDE_DIRS (pkg-config).
# Cache:  BPFDIG_WS_DEBIAN_VERSION  installed Debian version (dpkg-query)
#         BPFDIG_WS_SOURCE_TARBALL  a Wireshark source tarball already on disk
#                                   (default: $ENV{BPFDIG_WS_SOURCE_TARBALL})
# Output: BPFDIG_WS_PRIVATE_INCLUDE_DIRS  include dirs for the plugin
#         (the extracted headers, plus the installed wiretap/ directory,
#         because wtap-int.h includes "wtap.h" by its bare name).

set(_bpfdig_ws_ver "${BPFDIG_WS_MAJOR}.${BPFDIG_WS_MINOR}")

# The installed wiretap/ directory.
find_path(BPFDIG_WS_WIRETAP_INCLUDE_DIR wiretap/wtap.h HINTS ${WIRESHARK_INCLUDE_DIRS}
          NO_DEFAULT_PATH)
if(NOT BPFDIG_WS_WIRETAP_INCLUDE_DIR)
  message(FATAL_ERROR "bpfdig: wiretap/wtap.h not found in ${WIRESHARK_INCLUDE_DIRS}")
endif()

if(_bpfdig_ws_ver VERSION_GREATER_EQUAL 4.6)
  if(NOT EXISTS "${BPFDIG_WS_WIRETAP_INCLUDE_DIR}/wiretap/wtap_module.h")
    message(FATAL_ERROR "bpfdig: Wireshark ${_bpfdig_ws_ver} without wiretap/wtap_module.h")
  endif()
  set(BPFDIG_WS_PRIVATE_INCLUDE_DIRS "")
  return()
endif()

if(NOT DEFINED BPFDIG_WS_DEBIAN_VERSION)
  find_program(_bpfdig_dpkg_query dpkg-query)
  set(_bpfdig_deb_ver "")
  if(_bpfdig_dpkg_query)
    execute_process(COMMAND ${_bpfdig_dpkg_query} -W -f=\${Version} libwireshark-dev
                    OUTPUT_VARIABLE _bpfdig_deb_ver ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
  endif()
  set(BPFDIG_WS_DEBIAN_VERSION "${_bpfdig_deb_ver}"
      CACHE STRING "Debian version of the installed libwireshark-dev (empty: not Debian)")
endif()
set(BPFDIG_WS_SOURCE_TARBALL "$ENV{BPFDIG_WS_SOURCE_TARBALL}"
    CACHE FILEPATH "Wireshark source tarball of the installed version (optional)")

# Without a Debian version, a tarball is the only way; the upstream version
# from pkg-config names it.
set(_bpfdig_fetch_ver "${BPFDIG_WS_DEBIAN_VERSION}")
if(_bpfdig_fetch_ver STREQUAL "")
  if(NOT BPFDIG_WS_SOURCE_TARBALL)
    message(FATAL_ERROR
      "bpfdig: Wireshark ${WIRESHARK_VERSION} does not install wiretap/wtap-int.h, which the "
      "scap file-type plugin needs. Set BPFDIG_WS_SOURCE_TARBALL to the Wireshark "
      "${WIRESHARK_VERSION} source tarball, or configure with -DBPFDIG_WIRESHARK=OFF.")
  endif()
  set(_bpfdig_fetch_ver "${WIRESHARK_VERSION}")
endif()

set(_bpfdig_ph_dir "${CMAKE_BINARY_DIR}/ws-private-headers")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "BPFDIG_WS_SOURCE_TARBALL=${BPFDIG_WS_SOURCE_TARBALL}"
          bash "${PROJECT_SOURCE_DIR}/scripts/fetch-wireshark-headers.sh"
          "${_bpfdig_fetch_ver}" "${_bpfdig_ph_dir}"
  RESULT_VARIABLE _bpfdig_fetch_rc)
if(NOT _bpfdig_fetch_rc EQUAL 0)
  message(FATAL_ERROR
    "bpfdig: could not obtain wiretap/wtap-int.h and wsutil/file_util.h of Wireshark "
    "${_bpfdig_fetch_ver} (see the message above). Either run the configure step once as "
    "root with network access (it adds a deb-src entry and downloads Debian's source "
    "package), or set -DBPFDIG_WS_SOURCE_TARBALL=/path/to/wireshark source tarball, or "
    "configure with -DBPFDIG_WIRESHARK=OFF.")
endif()

set(BPFDIG_WS_PRIVATE_INCLUDE_DIRS "${_bpfdig_ph_dir}"
    "${BPFDIG_WS_WIRETAP_INCLUDE_DIR}/wiretap")
message(STATUS "bpfdig: private Wireshark headers in ${_bpfdig_ph_dir}")
