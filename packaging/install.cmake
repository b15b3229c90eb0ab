# Install rules and the Debian packages (included by the top-level CMakeLists.txt when
# TICKETSIM_INSTALL is on). Two components, as Debian splits a tool from its library:
#   ticketsim      the program, its man page ticketsim(1) and its bash completion
#   ticketsim-dev  libticketsim.a, include/ticketsim/, the CMake package and ticketsim.pc
include(CMakePackageConfigHelpers)

set(TICKETSIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ticketsim)
set(TICKETSIM_GENERATED ${PROJECT_BINARY_DIR}/packaging)

# --- The man page and the completion, generated from the built program itself ----------
find_program(TICKETSIM_HELP2MAN help2man REQUIRED)
add_custom_command(
  OUTPUT ${TICKETSIM_GENERATED}/ticketsim.1.gz
  COMMAND ${CMAKE_COMMAND}
          -DTICKETSIM=$<TARGET_FILE:ticketsim>
          -DHELP2MAN=${TICKETSIM_HELP2MAN}
          -DINCLUDE=${PROJECT_SOURCE_DIR}/packaging/ticketsim.h2m
          -DOUTPUT=${TICKETSIM_GENERATED}/ticketsim.1
          -P ${PROJECT_SOURCE_DIR}/packaging/make_man_page.cmake
  DEPENDS ticketsim ${PROJECT_SOURCE_DIR}/packaging/ticketsim.h2m
          ${PROJECT_SOURCE_DIR}/packaging/make_man_page.cmake
  COMMENT "Generating ticketsim(1) from the program's --help")
add_custom_command(
  OUTPUT ${TICKETSIM_GENERATED}/ticketsim.bash
  COMMAND $<TARGET_FILE:ticketsim> completion bash > ${TICKETSIM_GENERATED}/ticketsim.bash
  DEPENDS ticketsim
  COMMENT "Generating the bash completion from the program's flags")
add_custom_target(ticketsim_docs ALL
  DEPENDS ${TICKETSIM_GENERATED}/ticketsim.1.gz ${TICKETSIM_GENERATED}/ticketsim.bash)

# --- Component ticketsim: the program ---------------------------------------------------
install(TARGETS ticketsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ticketsim)
install(FILES ${TICKETSIM_GENERATED}/ticketsim.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ticketsim)
install(FILES ${TICKETSIM_GENERATED}/ticketsim.bash
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
        RENAME ticketsim COMPONENT ticketsim)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT ticketsim)
foreach(mo IN LISTS TICKETSIM_CATALOGUES)
  get_filename_component(directory ${mo} DIRECTORY)
  get_filename_component(language ${directory}/.. ABSOLUTE)
  get_filename_component(language ${language} NAME)
  install(FILES ${mo} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${language}/LC_MESSAGES
          COMPONENT ticketsim)
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/ticketsim-dev COMPONENT dev)

# --- Component dev: the library, its public headers, CMake package and pkg-config -------
install(TARGETS ticketsim_core EXPORT ticketsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ticketsim
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/ticketsim/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ticketsim COMPONENT dev)
install(EXPORT ticketsimTargets NAMESPACE ticketsim:: DESTINATION ${TICKETSIM_CMAKE_DIR}
        COMPONENT dev)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/packaging/ticketsimConfig.cmake.in
  ${TICKETSIM_GENERATED}/ticketsimConfig.cmake
  INSTALL_DESTINATION ${TICKETSIM_CMAKE_DIR})
write_basic_package_version_file(${TICKETSIM_GENERATED}/ticketsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${TICKETSIM_GENERATED}/ticketsimConfig.cmake
              ${TICKETSIM_GENERATED}/ticketsimConfigVersion.cmake
        DESTINATION ${TICKETSIM_CMAKE_DIR} COMPONENT dev)
# pkg-config finds the prefix relative to the .pc file, so an installed tree can be moved
# (cmake --install --prefix DIR, dpkg -x) and still answer right.
set(TICKETSIM_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH TICKETSIM_PC_TO_PREFIX /${TICKETSIM_PC_DIR} /)
string(REGEX REPLACE "/$" "" TICKETSIM_PC_TO_PREFIX "${TICKETSIM_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/packaging/ticketsim.pc.in
               ${TICKETSIM_GENERATED}/ticketsim.pc @ONLY)
install(FILES ${TICKETSIM_GENERATED}/ticketsim.pc DESTINATION ${TICKETSIM_PC_DIR} COMPONENT dev)

# --- make package: Debian packages with CPack -------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ticketsim)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ticketsim developers <ticketsim@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ticketsim dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dpkg-shlibdeps declares what the binaries link
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_TICKETSIM_PACKAGE_NAME ticketsim)
set(CPACK_DEBIAN_TICKETSIM_PACKAGE_SECTION utils)
# libpq5 and libhiredis are loaded with dlopen when a database store or redis-lock is used
# (storage/postgres/libpq_library.h), so dpkg-shlibdeps cannot see them.
set(CPACK_DEBIAN_TICKETSIM_PACKAGE_RECOMMENDS "bash-completion, libpq5, libhiredis0.14")
# Debian's form: a synopsis under 80 characters, then the extended description. Each
# component's first line is its synopsis; an empty package summary keeps CPack from putting
# the project's one-line description in front of both.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_DEBIAN_TICKETSIM_DESCRIPTION [=[ticket-booking concurrency simulator
N customer processes race to buy tickets from a JSON store, unprotected or
under a file lock, a named or robust mutex, or one at a time. ticketsim shows
the races (oversold tickets, lost updates, torn reads), explains them, and
measures what each kind of safety costs.]=])

set(CPACK_DEBIAN_DEV_PACKAGE_NAME ticketsim-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The library is a static archive whose third-party code is header-only and compiled in:
# a consumer needs a C++20 compiler and its standard library, nothing else.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libstdc++-12-dev | libstdc++-dev, libc6-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "ticketsim, cmake, pkg-config")
set(CPACK_DEBIAN_DEV_DESCRIPTION [=[ticket-booking concurrency simulator (library and headers)
The ticketsim library for C++20 tests that compare lock modes: configure an
experiment, run real customer processes, assert on what the oracle found.
CMake: find_package(ticketsim CONFIG) gives ticketsim::ticketsim;
pkg-config: ticketsim.]=])
include(CPack)
