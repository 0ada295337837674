# The package test: installs this build into a scratch prefix and builds
# consumer/ against it. Included from tests/CMakeLists.txt.
qt_add_executable(tst_package ${CMAKE_CURRENT_LIST_DIR}/../tst_package.cpp)
# Needs no LPM symbols itself; it drives cmake against the installed tree.
target_link_libraries(tst_package PRIVATE Qt6::Test)
target_compile_definitions(tst_package PRIVATE
    LPM_BUILD_DIR="${PROJECT_BINARY_DIR}"
    LPM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    LPM_CMAKE="${CMAKE_COMMAND}"
    LPM_CXX_COMPILER="${CMAKE_CXX_COMPILER}"
    LPM_QT6_DIR="${Qt6_DIR}"
    $<$<BOOL:${LPM_BUILD_QML}>:LPM_HAVE_QML>)
# It installs the library, so the library must be built first.
add_dependencies(tst_package Lpm)
if(LPM_BUILD_QML)
    add_dependencies(tst_package LpmQmlplugin)
endif()
add_test(NAME tst_package COMMAND tst_package)
set_tests_properties(tst_package PROPERTIES TIMEOUT 900)
