#!/usr/bin/env python3
"""Checks the message catalogues (po/): the template holds exactly the messages the sources
mark (re-extracted with scripts/extract_messages.sh), every translation translates every one
of them (none missing, none fuzzy, none left over), and each translation's fmt replacement
fields name the same arguments as the English (reordered is fine, lost or invented is not;
automatic {} and numbered {0} never mixed in one message). Exits 1 listing each problem."""
import os
import re
import subprocess
import sys
import tempfile

ENTRY_FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(text):
    """A PO string's content with its C escapes resolved."""
    return re.sub(r'\\(.)', lambda m: ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def parse_po(path):
    """Entries of a PO file as dicts: ctx, id, plural, strs (list), fuzzy, obsolete."""
    entries = []
    with open(path, encoding="utf-8") as po:
        blocks = po.read().split("\n\n")
    for block in blocks:
        entry = {"ctx": None, "id": None, "plural": None, "strs": [], "fuzzy": False,
                 "obsolete": False}
        last = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                continue
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            match = ENTRY_FIELD.match(line)
            if match:
                last = match.group(1)
                value = unquote(match.group(2))
                if last == "msgctxt":
                    entry["ctx"] = value
                elif last == "msgid":
                    entry["id"] = value
                elif last == "msgid_plural":
                    entry["plural"] = value
                else:
                    entry["strs"].append(value)
            elif line.startswith('"') and last is not None:
                value = unquote(line[1:-1])
                if last == "msgctxt":
                    entry["ctx"] += value
                elif last == "msgid":
                    entry["id"] += value
                elif last == "msgid_plural":
                    entry["plural"] += value
                else:
                    entry["strs"][-1] += value
        if entry["id"]:  # the header has an empty msgid
            entries.append(entry)
    return entries


def fields(text):
    """The arguments a fmt format string names, as a set of ints/names, or an error string."""
    automatic, manual = 0, set()
    used_automatic = used_manual = False
    i = 0
    while i < len(text):
        c = text[i]
        if c in "{}" and text[i:i + 2] in ("{{", "}}"):
            i += 2
            continue
        if c == "}":
            return "a lone '}'"
        if c == "{":
            end = text.find("}", i)
            if end < 0:
                return "an unclosed '{'"
            arg = text[i + 1:end].split(":", 1)[0]
            if arg == "":
                used_automatic = True
                manual.add(automatic)
                automatic += 1
            else:
                used_manual = True
                manual.add(int(arg) if arg.isdigit() else arg)
            i = end + 1
            continue
        i += 1
    if used_automatic and used_manual:
        return "automatic {} and numbered {n} fields mixed"
    return manual


def key(entry):
    return (entry["ctx"], entry["id"])


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        fresh = os.path.join(scratch, "fresh.pot")
        subprocess.run(["bash", "scripts/extract_messages.sh", fresh], cwd=root, check=True)
        marked = {key(e): e for e in parse_po(fresh)}
    template = {key(e): e for e in parse_po(os.path.join(root, "po", "ticketsim.pot"))}
    for k in sorted(set(marked) - set(template), key=str):
        problems.append(f"po/ticketsim.pot lacks {k[1]!r} (run `make pot`)")
    for k in sorted(set(template) - set(marked), key=str):
        problems.append(f"po/ticketsim.pot still holds {k[1]!r}, which no source marks (`make pot`)")
    languages = sorted(f for f in os.listdir(os.path.join(root, "po")) if f.endswith(".po"))
    if not languages:
        problems.append("po/ holds no translation")
    for name in languages:
        path = f"po/{name}"
        translated = {key(e): e for e in parse_po(os.path.join(root, path)) if not e["obsolete"]}
        for k, english in marked.items():
            entry = translated.get(k)
            if entry is None:
                problems.append(f"{path}: no translation of {k[1]!r} (run `make pot`)")
                continue
            if entry["fuzzy"]:
                problems.append(f"{path}: the translation of {k[1]!r} is fuzzy")
            if not entry["strs"] or any(s == "" for s in entry["strs"]):
                problems.append(f"{path}: {k[1]!r} is not translated")
                continue
            wanted = fields(english["id"])
            if english["plural"] is not None:
                plural = fields(english["plural"])
                wanted = plural if isinstance(plural, str) else (
                    wanted | plural if isinstance(wanted, set) else wanted)
            for text in entry["strs"]:
                got = fields(text)
                if isinstance(got, str):
                    problems.append(f"{path}: {text!r}: {got}")
                elif isinstance(wanted, set) and got != wanted:
                    problems.append(f"{path}: {text!r} names arguments {sorted(got, key=str)}, "
                                    f"the English {k[1]!r} names {sorted(wanted, key=str)}")
        for k in sorted(set(translated) - set(marked), key=str):
            problems.append(f"{path}: {k[1]!r} is no longer marked in the sources (`make pot`)")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problems with the message catalogues")
        return 1
    print(f"catalogues: {len(marked)} messages, translated in {', '.join(languages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
