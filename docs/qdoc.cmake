# Run by the docs target (docs/CMakeLists.txt passes the -D variables):
#  1. qdoc writes the HTML into ${OUTPUT}/html; any warning fails (warninglimit 0).
#  2. qdoc again with --showinternal into ${OUTPUT}/apicheck, only for its index, which
#     lists the undocumented members qdoc 6.4 hides without a warning;
#  3. lpm-doccheck fails on every public declaration among them.
set(qdoc_env
    "QT_INSTALL_DOCS=${QT_INSTALL_DOCS}"
    "QT_INSTALL_HEADERS=${QT_INSTALL_HEADERS}"
    "QT_VERSION=${QT_VERSION}"
    "QT_VER=${QT_VERSION}"
    "QT_VERSION_TAG=${QT_VERSION}"
    "LPM_VERSION=${LPM_VERSION}")

file(REMOVE_RECURSE "${OUTPUT}/html" "${OUTPUT}/apicheck")
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env ${qdoc_env} LPM_DOCS_OUTPUT=${OUTPUT}/html
            LPM_QDOC_STRICT=true
            ${QDOC} ${QDOCCONF}
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "docs: qdoc reported warnings (above); the reference is not clean")
endif()

execute_process(
    COMMAND ${CMAKE_COMMAND} -E env ${qdoc_env} LPM_DOCS_OUTPUT=${OUTPUT}/apicheck
            LPM_QDOC_STRICT=false
            ${QDOC} --showinternal ${QDOCCONF}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE log
    ERROR_VARIABLE log)
if(NOT result EQUAL 0 OR NOT EXISTS "${OUTPUT}/apicheck/lpm.index")
    message(FATAL_ERROR "docs: the qdoc run for the API check failed:\n${log}")
endif()

execute_process(COMMAND ${DOCCHECK} "${OUTPUT}/apicheck/lpm.index" "${HEADERS}"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "docs: public API without documentation (above)")
endif()
message(STATUS "docs: ${OUTPUT}/html/index.html")
