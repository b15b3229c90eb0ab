#!/usr/bin/env python3
"""Checks that the folders are the architecture (README "Layout"): every source file lives in
a known room, and every #include names only its own room, the public API, or a room the table
below lets it use. Exits 1 listing each file or include that breaks the rule."""
import os
import re
import sys

# Each room and the rooms its files may include (besides itself and the public API).
# Dependencies run one way: cli -> classroom / experiment -> schedule -> engine -> locks /
# storage; the oracle and the reports read results and never drive trials. simulator/text
# (translation, display width, wrapping) is below them all: every room may use it.
# include/ticketsim is the public API: the vocabulary every room may use, which itself includes nothing else.
ALLOWED = {
    "include/ticketsim": set(),
    "simulator/text": set(),
    "storage": {"simulator/text"},
    "locks": {"storage", "simulator/text"},
    "simulator/oracle": {"simulator/text"},
    "simulator/engine": {"simulator/text", "storage", "locks", "simulator/oracle"},
    "simulator/schedule": {"simulator/text", "simulator/engine", "storage", "locks", "simulator/oracle"},
    "simulator/experiment": {"simulator/text", "simulator/schedule", "simulator/engine", "storage", "locks",
                             "simulator/oracle"},
    "simulator/explore": {"simulator/text", "simulator/experiment", "simulator/schedule", "simulator/engine",
                          "storage", "locks", "simulator/oracle"},
    "simulator/report": {"simulator/text", "simulator/oracle", "storage"},
    "simulator/classroom": {"simulator/text", "simulator/experiment", "simulator/schedule", "simulator/engine",
                            "simulator/report", "simulator/oracle", "storage", "locks"},
    "simulator/cli": {"simulator/text", "simulator/classroom", "simulator/explore", "simulator/experiment", "simulator/schedule",
                      "simulator/engine", "simulator/report", "simulator/oracle", "storage",
                      "locks"},
}
PUBLIC = "include/ticketsim"
# Top-level folders that hold no library or program code (everything else must be a room).
NOT_CODE = {"tests", "bench", "data", "scripts", "packaging", "po", ".git", ".ci", ".cache"}
# Project folders an include may name; anything else quoted is not a project header.
PROJECT_PREFIXES = ("simulator/", "storage/", "locks/", "include/", "tests/", "bench/")
# The C++20 standard library's headers and the POSIX ones the public API may use.
STANDARD_HEADERS = set("""
algorithm any array atomic barrier bit bitset cassert cctype cerrno cfloat charconv chrono
cinttypes climits clocale cmath codecvt compare complex concepts condition_variable coroutine
csetjmp csignal cstdarg cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype deque
exception execution expected filesystem format forward_list fstream functional future
initializer_list iomanip ios iosfwd iostream istream iterator latch limits list locale map
memory memory_resource mutex new numbers numeric optional ostream queue random ranges ratio
regex scoped_allocator semaphore set shared_mutex source_location span sstream stack
stdexcept stop_token streambuf string string_view syncstream system_error thread tuple
type_traits typeindex typeinfo unordered_map unordered_set utility valarray variant vector
version sys/types.h""".split())
INCLUDE_LINE = re.compile(r"^\s*#\s*include\b(.*)$", re.M)
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
QUOTED = re.compile(r'^\s*"([^"]+)"')
ANGLED = re.compile(r"^\s*<([^>]+)>")


def room_of(path):
    """The room a repository path belongs to, or None."""
    for room in sorted(ALLOWED, key=len, reverse=True):
        if path.startswith(room + "/"):
            return room
    return None


def public_header_may_include(name):
    """Installed headers may include the standard library and <sys/types.h>, nothing a
    consumer would have to install (no fmt, nlohmann, Boost, CLI11, zlib, ...)."""
    return name in STANDARD_HEADERS


def preprocess(text):
    """What the preprocessor sees of the #include lines: line splices joined, comments
    removed, the digraph %: read as #."""
    text = text.replace("\\\n", "")
    text = BLOCK_COMMENT.sub(" ", text)
    return re.sub(r"^(\s*)%:", r"\1#", text, flags=re.M)


def resolved(root, name):
    """`name` as a repository path, with '..' and symlinks resolved, or None when it does not
    stay inside the repository."""
    real = os.path.realpath(os.path.join(root, name))
    relative = os.path.relpath(real, os.path.realpath(root))
    return None if relative.startswith("..") else relative.replace(os.sep, "/")


def check_include(root, path, room, spec, problems):
    quoted, angled = QUOTED.match(spec), ANGLED.match(spec)
    if not quoted and not angled:
        problems.append(f"{path}: #include{spec}: not a literal header name, cannot be checked")
        return
    name = (quoted or angled).group(1)
    if name.startswith("ticketsim/") and "/.." not in name:
        return  # the public API: every room may use it
    if name.startswith(PROJECT_PREFIXES) or ".." in name:
        real = resolved(root, name)
        target = room_of(real) if real else None
        if target is None:
            problems.append(f"{path}: includes {name}, which is in no room")
        elif room == PUBLIC:
            problems.append(f"{path}: a public header may not include {name} ({target})")
        elif target != room and target not in ALLOWED[room]:
            problems.append(f"{path}: {room} may not include {name} ({target})")
        return
    if quoted:
        problems.append(f"{path}: includes \"{name}\", which names no project folder")
    elif room == PUBLIC and not public_header_may_include(name):
        problems.append(f"{path}: a public header may not include <{name}>")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = []
    files = 0
    for top in sorted(os.listdir(root)):
        if top in NOT_CODE or top.startswith("build") or not os.path.isdir(os.path.join(root, top)):
            continue
        for directory, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                path = os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/")
                room = room_of(path)
                if room is None:
                    problems.append(f"{path}: is in no room (add it to one, or add the room "
                                    "to tests/layering/check_layering.py and README \"Layout\")")
                    continue
                files += 1
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as source:
                    text = preprocess(source.read())
                for spec in INCLUDE_LINE.findall(text):
                    check_include(root, path, room, spec, problems)
    if files == 0:
        print(f"no sources found under {root}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problems with the layering (README \"Layout\")")
        return 1
    print(f"layering: {files} files, every include runs one way")
    return 0


if __name__ == "__main__":
    sys.exit(main())
