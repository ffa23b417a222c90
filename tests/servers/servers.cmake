# SPDX-License-Identifier: MIT
# ctest fixtures that bring up real servers on loopback (see README.md here).
#
#   include(${PROJECT_SOURCE_DIR}/tests/servers/servers.cmake)
#   am_registry_fixture(scan_reg AUTH token SPEC ${AM_FIXTURE_IMAGES})
#   add_test(NAME scan_resolves COMMAND ...)
#   set_tests_properties(scan_resolves PROPERTIES FIXTURES_REQUIRED scan_reg)
#
# The test then reads ${CMAKE_BINARY_DIR}/servers/scan_reg/url (and host,
# user, password, pushed.json).  Every server picks a free port when it
# starts, so fixtures need no RESOURCE_LOCK and `ctest -j` is fine.
# Fixture names are global to the build: prefix them with the test area.

include_guard(GLOBAL)

set(AM_SERVERS_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(AM_SERVERS_PYTHON "/usr/bin/python3")
set(AM_SERVERCTL "${CMAKE_CURRENT_LIST_DIR}/serverctl")
set(AM_FIXTURE_IMAGES "${CMAKE_CURRENT_LIST_DIR}/images/fixtures.json")

# am_server_dir(<out-var> <fixture>): the directory a fixture's server uses.
function(am_server_dir out name)
  set(${out} "${CMAKE_BINARY_DIR}/servers/${name}" PARENT_SCOPE)
endfunction()

# am_server_fixture(<fixture> <kind> [args...] [REQUIRES <fixture>...]
#                   [ARGS <args>...])
#
# Adds <fixture>_start (FIXTURES_SETUP) running
# `serverctl <kind> start --dir <server dir> <args>` and <fixture>_stop
# (FIXTURES_CLEANUP).  <kind> is registry, token-issuer, redirect, fault or
# lighttpd-git.  REQUIRES names fixtures that must be up first (the backend
# of a redirect front, for instance).  `serverctl start` stops whatever a
# previous run left in the directory before starting.
function(am_server_fixture name kind)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "REQUIRES;ARGS")
  am_server_dir(dir ${name})

  add_test(NAME ${name}_start
    COMMAND ${AM_SERVERS_PYTHON} ${AM_SERVERCTL} ${kind} start --dir ${dir}
            ${arg_UNPARSED_ARGUMENTS} ${arg_ARGS})
  set_tests_properties(${name}_start PROPERTIES
    FIXTURES_SETUP ${name} TIMEOUT 120 LABELS fixture)

  add_test(NAME ${name}_stop
    COMMAND ${AM_SERVERS_PYTHON} ${AM_SERVERCTL} stop --dir ${dir})
  set_tests_properties(${name}_stop PROPERTIES
    FIXTURES_CLEANUP ${name} TIMEOUT 30 LABELS fixture)

  # The stop test requires the dependencies too: ctest then keeps them up
  # until this server is stopped, not just until it has started.
  if(arg_REQUIRES)
    set_tests_properties(${name}_start ${name}_stop PROPERTIES
      FIXTURES_REQUIRED "${arg_REQUIRES}")
  endif()
endfunction()

# am_registry_fixture(<fixture> [AUTH none|htpasswd|token] [SPEC <file>]
#                     [TOKEN_KID] [ARGS <serverctl args>...])
#
# A distribution registry seeded with SPEC; the push summary is in
# <server dir>/pushed.json and, with AUTH, the credentials in user and
# password.  TOKEN_KID makes the token issuer sign with kid instead of x5c.
function(am_registry_fixture name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "TOKEN_KID" "AUTH;SPEC" "ARGS")
  set(args --auth none)
  if(arg_AUTH)
    set(args --auth ${arg_AUTH})
  endif()
  if(arg_SPEC)
    list(APPEND args --seed ${arg_SPEC})
  endif()
  if(arg_TOKEN_KID)
    list(APPEND args --token-kid)
  endif()
  am_server_fixture(${name} registry ARGS ${args} ${arg_ARGS})
endfunction()

# am_redirect_fixture(<fixture> <backend fixture> [ARGS <args>...])
#
# A front answering 307 to the backend's URL with the host name swapped
# (127.0.0.1 <-> localhost), like registry.k8s.io sending clients on.
function(am_redirect_fixture name backend)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "ARGS")
  am_server_dir(backend_dir ${backend})
  am_server_fixture(${name} redirect --target-dir ${backend_dir}
    REQUIRES ${backend} ARGS ${arg_ARGS})
endfunction()
