#!/usr/bin/env python3
"""Checks that the folders are the architecture: every #include "..." of a room names only
the rooms below it (README "Layout"). Exits 1 listing each include that crosses a room
the wrong way; prints the room graph it checked when run with --graph."""
import os
import re
import sys

# Each room and the rooms its files may include (besides itself). Dependencies run one
# way: cli -> classroom / experiment -> schedule -> engine -> locks / storage; the oracle and
# the reports read results and never drive trials. include/ticketsim is the public API: the
# vocabulary every room may use, which itself includes nothing else.
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
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SYSTEM_INCLUDE = re.compile(r'^\s*#\s*include\s+<([^>]+)>', re.M)
# Installed headers may include the standard library and POSIX, nothing a consumer would
# have to install: no fmt, nlohmann, Boost or CLI11.
THIRD_PARTY = ("fmt/", "nlohmann/", "boost/", "CLI/", "catch2/", "benchmark/")


def room_of(path):
    """The room a repository path belongs to, or None."""
    for room in sorted(ALLOWED, key=len, reverse=True):
        if path.startswith(room + "/"):
            return room
    return None


def included_room(name):
    """The room an include names: "ticketsim/x.h" is the public API."""
    if name.startswith("ticketsim/"):
        return PUBLIC
    return room_of(name)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "."
    problems = []
    files = 0
    for room in ALLOWED:
        for directory, _, names in os.walk(os.path.join(root, room)):
            for name in names:
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.relpath(os.path.join(directory, name), root)
                if room_of(path) != room:
                    continue  # a deeper room's file, checked as that room's
                files += 1
                with open(os.path.join(root, path), encoding="utf-8") as source:
                    text = source.read()
                if room == PUBLIC:
                    for include in SYSTEM_INCLUDE.findall(text):
                        if include.startswith(THIRD_PARTY):
                            problems.append(f"{path}: a public header may not include <{include}>")
                for include in INCLUDE.findall(text):
                    target = included_room(include)
                    if target is None:
                        problems.append(f"{path}: includes \"{include}\", which is in no room")
                    elif target == room or (target == PUBLIC and room != PUBLIC):
                        continue
                    elif target not in ALLOWED[room]:
                        problems.append(f"{path}: {room} may not include \"{include}\" ({target})")
    if files == 0:
        print(f"no sources found under {root}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} includes cross the layering (README \"Layout\")")
        return 1
    print(f"layering: {files} files, every include runs one way")
    return 0


if __name__ == "__main__":
    sys.exit(main())
