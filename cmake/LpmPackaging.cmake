# Debian packages, one per install component, made with `cpack -G DEB` in a build
# configured for the prefix /usr (./run.sh package does it):
#
#   Runtime      liblpm<SOVERSION>  the shared library; named after its SONAME, so the
#                                   packages of two ABIs install side by side
#   Development  liblpm-dev         headers, the unversioned .so link, the CMake package
#   Qml          qml6-module-lpm    the Lpm QML module, named as Debian names the Qt 6
#                                   ones (qml6-module-qtquick-window for QtQuick.Window)
#
# Included at the end of the top-level CMakeLists.txt, once every install() is known.
# README.md ("Versions, the SONAME and the protocol") says how the versions move.

get_target_property(lpm_soversion Lpm SOVERSION)
set(lpm_runtime_package liblpm${lpm_soversion})

# A file installed without a COMPONENT lands in "Unspecified", which CPack would turn
# into a package of its own: every install() of ours names its component.
get_cmake_property(lpm_components COMPONENTS)
list(REMOVE_ITEM lpm_components Runtime Development Qml)
if(lpm_components)
    message(WARNING "install() rules outside the Debian package components: ${lpm_components}. "
                    "Give them COMPONENT Runtime, Development or Qml (cmake/LpmPackaging.cmake).")
endif()

set(CPACK_PACKAGE_NAME lpm)
set(CPACK_PACKAGE_VENDOR LPM)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "LPM maintainers <lpm@localhost>" CACHE STRING
    "Maintainer of the Debian packages")
# Each package has a synopsis line of its own; an empty summary keeps CPack from
# putting the project's above all three.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(lpm_deb_version "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
# Depends on the Qt, C++ and C runtime libraries, read from the binaries' NEEDED
# entries by dpkg-shlibdeps; on our own packages, explicitly, below: dpkg-shlibdeps
# only knows installed packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Where dpkg-shlibdeps finds our libraries, which no installed package holds yet.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    "${PROJECT_BINARY_DIR}/src" "${PROJECT_BINARY_DIR}/src/qml")

# The extended description all three share, before what each package holds.
set(lpm_deb_about
    "LPM runs the heavy or risky work of a Qt application in a pool of worker
processes, so that a crash, a leak or a hang costs one worker instead of the
application. Requests come back as QFutures; the supervisor keeps the workers
alive, balanced, recycled and accounted for.")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${lpm_runtime_package})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# A shlibs file, so that packages built against liblpm get their Depends from
# dpkg-shlibdeps too. Written here rather than by CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS,
# which would give liblpmqml, private to the QML plugin, one as well.
file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/deb/shlibs"
     CONTENT "liblpm ${lpm_soversion} ${lpm_runtime_package} (>= ${PROJECT_VERSION})\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA "${PROJECT_BINARY_DIR}/deb/shlibs")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "Qt library for supervised pools of worker processes
${lpm_deb_about}
.
This package contains the shared library.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME liblpm-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SHLIBDEPS OFF)   # headers and CMake files only
# LpmConfig.cmake finds Qt6 Core and Network, and the headers include theirs.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
    "${lpm_runtime_package} (= ${lpm_deb_version}), qt6-base-dev")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
    "Qt library for supervised pools of worker processes - development files
${lpm_deb_about}
.
This package contains the headers and the CMake package:
find_package(Lpm) and Lpm::Lpm.")

set(CPACK_DEBIAN_QML_PACKAGE_NAME qml6-module-lpm)
set(CPACK_DEBIAN_QML_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_QML_PACKAGE_DEPENDS "${lpm_runtime_package} (= ${lpm_deb_version})")
set(CPACK_DEBIAN_QML_DESCRIPTION
    "Qt 6 QML module for supervised pools of worker processes
${lpm_deb_about}
.
This package contains the Lpm QML module (import Lpm): Supervisor and the
worker list model.")

include(CPack)
