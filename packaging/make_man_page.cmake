# Writes ticketsim(1) with help2man from the program's own --help and --version, adding a
# COMMANDS section with every subcommand's --help (the list read from `ticketsim --help`),
# so the man page never drifts from the program. Run with -P; needs TICKETSIM, HELP2MAN,
# INCLUDE (the hand-written sections) and OUTPUT (the .1 path; OUTPUT.gz is written too).
foreach(variable TICKETSIM HELP2MAN INCLUDE OUTPUT)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "make_man_page.cmake: -D${variable}=... is required")
  endif()
endforeach()

# The man page is English (the source language) and roff wraps it: ask for the help unwrapped.
set(ENV{LANGUAGE} en)
set(ENV{COLUMNS} 100000)
execute_process(COMMAND ${TICKETSIM} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TICKETSIM} --help failed (${status})")
endif()

# The subcommands are the lines under "Subcommands:", two spaces, a name, then its summary.
string(REGEX REPLACE ".*\nSubcommands:\n" "" listing "${help}")
string(REGEX MATCHALL "(^|\n)  [a-z][a-z-]*" names "${listing}")
file(READ ${INCLUDE} include_text)
set(commands "[COMMANDS]\n")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  execute_process(COMMAND ${TICKETSIM} ${name} --help
                  OUTPUT_VARIABLE command_help RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${TICKETSIM} ${name} --help failed (${status})")
  endif()
  # Each line of CLI11's help becomes roff that wraps at any width: "  --flag TYPE   what it
  # does" an indented paragraph (.TP) with the flag in bold, any other line a paragraph.
  string(REPLACE "\\" "\\e" command_help "${command_help}")  # roff: a literal backslash
  string(REPLACE ";" "\\;" command_help "${command_help}")  # keep ';' out of CMake's lists
  string(REPLACE "\n" ";" lines "${command_help}")
  string(APPEND commands ".SS ${name}\n")
  foreach(line IN LISTS lines)
    string(REPLACE "\\;" ";" line "${line}")
    if(line MATCHES "^  +([^ ].*[^ ]|[^ ])   *([^ ].*)$")
      set(flag "${CMAKE_MATCH_1}")
      set(text "${CMAKE_MATCH_2}")
      string(REGEX REPLACE "^([.'])" "\\\\&\\1" text "${text}")
      string(REPLACE "-" "\\-" flag "${flag}")
      string(APPEND commands ".TP\n.B ${flag}\n${text}\n")
    elseif(line MATCHES "^ *$")
      continue()
    else()
      string(STRIP "${line}" line)
      string(REGEX REPLACE "^([.'])" "\\\\&\\1" line "${line}")
      string(APPEND commands ".PP\n${line}\n")
    endif()
  endforeach()
endforeach()
get_filename_component(directory ${OUTPUT} DIRECTORY)
file(WRITE ${directory}/ticketsim-sections.h2m "${commands}\n${include_text}")

execute_process(
  COMMAND ${HELP2MAN} --no-info --no-discard-stderr
          --name "ticket-booking concurrency simulator"
          --section 1 --include ${directory}/ticketsim-sections.h2m
          --output ${OUTPUT} ${TICKETSIM}
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "help2man failed (${status})")
endif()
# Debian installs man pages compressed, reproducibly (no name or time stamp in the header).
execute_process(COMMAND gzip -9 -n -f -k ${OUTPUT} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gzip ${OUTPUT} failed (${status})")
endif()
