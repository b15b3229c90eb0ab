#!/usr/bin/env python3
"""Checks that the folders are the architecture (README "Layout"): every source file lives in
a known room, and every #include names only its own room, the public API, or a room the table
below lets it use. Exits 1 listing each file or include that breaks the rule."""
import os
import re
import sys

# Each room and the rooms its files may include (besides itself and the public API).
# Dependencies run one way: cli -> classroom / experiment -> schedule -> engine -> locks /
# storage; the oracle and the reports read results and never drive trials. include/ticketsim
# is the public API: the vocabulary every room may use, which itself includes nothing else.
ALLOWED = {
    "include/ticketsim": set(),
    "storage": set(),
    "locks": {"storage"},
    "simulator/oracle": set(),
    "simulator/engine": {"storage", "locks", "simulator/oracle"},
    "simulator/schedule": {"simulator/engine", "storage", "locks", "simulator/oracle"},
    "simulator/experiment": {"simulator/schedule", "simulator/engine", "storage", "locks",
                             "simulator/oracle"},
    "simulator/report": {"simulator/oracle", "storage"},
    "simulator/classroom": {"simulator/experiment", "simulator/schedule", "simulator/engine",
                            "simulator/report", "simulator/oracle", "storage", "locks"},
    "simulator/cli": {"simulator/classroom", "simulator/experiment", "simulator/schedule",
                      "simulator/engine", "simulator/report", "simulator/oracle", "storage",
                      "locks"},
}
PUBLIC = "include/ticketsim"
# Top-level folders whose files must sit in a room of the table.
CHECKED_TREES = ("include", "storage", "locks", "simulator")
# Project folders an include may name; anything else quoted is not a project header.
PROJECT_PREFIXES = ("simulator/", "storage/", "locks/", "include/", "tests/", "bench/")
SOURCE_EXTENSIONS = (".h", ".hh", ".hpp", ".c", ".cc", ".cpp", ".cxx", ".inc")
INCLUDE_LINE = re.compile(r"^\s*#\s*include\b(.*)$", re.M)
QUOTED = re.compile(r'^\s*"([^"]+)"')
ANGLED = re.compile(r"^\s*<([^>]+)>")


def room_of(path):
    """The room a repository path belongs to, or None."""
    for room in sorted(ALLOWED, key=len, reverse=True):
        if path.startswith(room + "/"):
            return room
    return None


def public_header_may_include(name):
    """Installed headers may include the standard library and POSIX, nothing a consumer
    would have to install (no fmt, nlohmann, Boost, CLI11, ...)."""
    return "/" not in name or name.startswith("sys/")


def check_include(path, room, spec, problems):
    quoted, angled = QUOTED.match(spec), ANGLED.match(spec)
    if not quoted and not angled:
        problems.append(f"{path}: #include{spec}: not a literal header name, cannot be checked")
        return
    name = (quoted or angled).group(1)
    if name.startswith("ticketsim/"):
        return  # the public API: every room may use it
    if name.startswith(PROJECT_PREFIXES):
        target = room_of(name)
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
    for tree in CHECKED_TREES:
        for directory, _, names in os.walk(os.path.join(root, tree)):
            for name in sorted(names):
                if not name.endswith(SOURCE_EXTENSIONS):
                    continue
                path = os.path.relpath(os.path.join(directory, name), root)
                room = room_of(path)
                if room is None:
                    problems.append(f"{path}: is in no room (add it to one, or add the room "
                                    "to tests/layering/check_layering.py and README \"Layout\")")
                    continue
                files += 1
                with open(os.path.join(root, path), encoding="utf-8") as source:
                    text = source.read()
                for spec in INCLUDE_LINE.findall(text):
                    check_include(path, room, spec, problems)
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
