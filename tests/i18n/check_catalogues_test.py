#!/usr/bin/env python3
"""The catalogue check fails when it should: a translation that loses, invents or mixes
arguments, or a message left untranslated or fuzzy, in a copy of the repository's po/."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_catalogues  # noqa: E402

failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)


fields = check_catalogues.fields
expect(fields("{} and {}") == {0, 1}, "automatic fields are numbered")
expect(fields("{1:.1f} then {0}") == {0, 1}, "numbered fields")
expect(fields("{n:>2} {{literal}}") == {"n"}, "named fields; doubled braces are text")
expect(isinstance(fields("{} {1}"), str), "automatic and numbered mixed is an error")
expect(isinstance(fields("{oops"), str), "an unclosed brace is an error")


def check(root, edit):
    """Runs the check on a copy of `root` whose po/zh_CN.po went through `edit`."""
    with tempfile.TemporaryDirectory() as scratch:
        for part in ("po", "scripts", "include", "storage", "locks", "simulator"):
            if os.path.isdir(os.path.join(root, part)):
                shutil.copytree(os.path.join(root, part), os.path.join(scratch, part))
        path = os.path.join(scratch, "po", "zh_CN.po")
        with open(path, encoding="utf-8") as po:
            text = po.read()
        with open(path, "w", encoding="utf-8") as po:
            po.write(edit(text))
        return subprocess.run([sys.executable, os.path.join(HERE, "check_catalogues.py"), scratch],
                              capture_output=True, text=True)


root = sys.argv[1]
clean = check(root, lambda text: text)
expect(clean.returncode == 0, "the repository's catalogues pass: " + clean.stdout[-500:])
lost = check(root, lambda text: text.replace('msgstr "{:.2f} 毫秒"', 'msgstr "毫秒"', 1))
expect(lost.returncode == 1 and "names arguments" in lost.stdout, "a lost argument fails")
blank = check(root, lambda text: text.replace('msgstr "安全"', 'msgstr ""', 1))
expect(blank.returncode == 1 and "not translated" in blank.stdout, "an empty translation fails")
fuzzy = check(root, lambda text: text.replace('msgctxt "verdict"\nmsgid "safe"',
                                              '#, fuzzy\nmsgctxt "verdict"\nmsgid "safe"', 1))
expect(fuzzy.returncode == 1 and "fuzzy" in fuzzy.stdout, "a fuzzy translation fails")

for failure in failures:
    print("FAILED:", failure)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
