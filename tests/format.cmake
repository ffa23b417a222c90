# SPDX-License-Identifier: MIT
# Fails when any C or C++ file of the project is not clang-format clean.
file(GLOB_RECURSE files
  ${TOP}/src/*.c ${TOP}/src/*.h ${TOP}/src/*.cc
  ${TOP}/tests/*.c ${TOP}/tests/*.h)
list(FILTER files EXCLUDE REGEX "/node_modules/")
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${files}
  RESULT_VARIABLE rc ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "not clang-format clean (run clang-format -i):\n${out}")
endif()
