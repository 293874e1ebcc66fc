# bench_smoke: runs hotline_bench with tiny settings and checks that it exits 0, prints the
# machine line, the table's header and every section, and writes well-formed JSON whose
# figures carry values. The figures themselves are not judged.
#   cmake -DBENCH=<hotline_bench> -DWORK_DIR=<dir> -P smoke_test.cmake
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(
  COMMAND ${BENCH} --quick --duration 0.5 --warmup 0.2 --skip-memory
    --work-dir ${WORK_DIR}/work --cache-dir ${WORK_DIR}/cache --json-out ${WORK_DIR}/bench.json
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 280)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "hotline_bench exited with ${rc}\n${err}")
endif()
foreach(expected
    "^machine: nproc [0-9]+ \\|"
    "\nfigure +\\| +value \\| ceiling +\\| +ratio \\| target +\\| result\n"
    "\nCeilings \\(same machine, same run\\)\n"
    "\n  gRPC echo, 64 callers +\\| +[0-9,]+ /s"
    "\n  SQLite report rows, 64 reports/txn +\\|"
    "\nSubmitReport through the real server"
    "\n  64 callers: reports/s +\\| +[0-9,]+ /s \\| echo@64 [0-9,]+ /s +\\| +[0-9.]+(%|x) \\| >= 35% of echo +\\| (PASS|MISS)\n"
    "\n  64 callers: p50 / p99 / p99.9 +\\| +[0-9.]+ / [0-9.]+ / [0-9.]+ ms \\|"
    "\n  default table \\([0-9]+ rules, [0-9]+ desks\\) +\\| +[0-9,]+ /s"
    "\n  generated \\(10000 rules, 5000 desks, [0-9]+ codes\\) +\\| +[0-9,]+ /s"
    "\n  p50 / p99 / p99.9 +\\| +[0-9.]+ / [0-9.]+ / [0-9.]+ ms \\|.*\\| p99 < 20 ms +\\| (PASS|MISS)\n"
    "\ntargets: [0-9]+ PASS, [0-9]+ MISS\n")
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "the output lacks a line matching: ${expected}")
  endif()
endforeach()
if(out MATCHES "ERROR")
  message(FATAL_ERROR "a figure could not be measured (ERROR in the table)")
endif()
file(READ ${WORK_DIR}/bench.json json)
string(JSON nproc ERROR_VARIABLE json_error GET "${json}" machine nproc)
if(json_error OR nproc LESS 1)
  message(FATAL_ERROR "bench.json: no machine.nproc (${json_error})")
endif()
string(JSON count ERROR_VARIABLE json_error LENGTH "${json}" figures)
if(json_error OR count LESS 10)
  message(FATAL_ERROR "bench.json: expected at least 10 figures (${json_error})")
endif()
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON key GET "${json}" figures ${i} key)
  string(JSON type ERROR_VARIABLE json_error TYPE "${json}" figures ${i} value)
  if(json_error OR NOT type STREQUAL "NUMBER")
    message(FATAL_ERROR "bench.json: figure ${key} has no numeric value")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
