#!/usr/bin/env python3
"""layout: the shape of the source that issue 13 asks to stay true.

  layout.py includes TOP   no module of src/ or extensions/ includes one
                           that includes it back, through headers too (a
                           module is a name: foo.c and foo.h)
  layout.py functions TOP  no function of src/ or extensions/ is longer
                           than 120 lines

Prints what breaks the rule and exits 1, or prints a count and exits 0.
"""
import glob
import os
import re
import sys


def modules(top):
    inc = {}
    for path in glob.glob(os.path.join(top, "src", "*.[ch]")) + \
            glob.glob(os.path.join(top, "extensions", "*.[ch]")):
        mod = os.path.splitext(os.path.basename(path))[0]
        inc.setdefault(mod, set())
        with open(path) as f:
            for line in f:
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if m:
                    dep = os.path.splitext(os.path.basename(m.group(1)))[0]
                    if dep != mod:
                        inc[mod].add(dep)
    return inc


def reach(inc, start):
    seen, todo = set(), [start]
    while todo:
        for dep in inc.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def check_includes(top):
    inc = modules(top)
    bad = sorted({tuple(sorted((a, b))) for a in inc for b in inc[a] if a in reach(inc, b)})
    for a, b in bad:
        print("%s and %s include each other" % (a, b))
    print("# %d modules, %d pairs that include each other" % (len(inc), len(bad)))
    return not bad


def check_functions(top, limit=120):
    bad = 0
    for path in sorted(glob.glob(os.path.join(top, "src", "*.c")) +
                       glob.glob(os.path.join(top, "extensions", "*.c"))):
        start, name = None, None
        with open(path) as f:
            lines = f.read().split("\n")
        for i, line in enumerate(lines):
            # a definition starts at column 0 with a name and '(' and is
            # not a declaration; its body ends at the first "}" in column 0
            if start is None and re.match(r"[A-Za-z_].*\(", line) and \
                    not line.rstrip().endswith(";") and not line.startswith(("static const", "const ")):
                start, name = i, line
            elif start is not None and line.startswith("}"):
                if i - start > limit:
                    print("%s:%d: %d lines: %s" % (os.path.relpath(path, top), start + 1,
                                                  i - start, name))
                    bad += 1
                start = None
            elif start is not None and line.startswith(("#", "static const", "struct ")) and \
                    "{" not in lines[start] and i - start > 20:
                start = None
    print("# functions over %d lines: %d" % (limit, bad))
    return not bad


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("includes", "functions"):
        sys.exit(__doc__)
    ok = check_includes(sys.argv[2]) if sys.argv[1] == "includes" else check_functions(sys.argv[2])
    sys.exit(0 if ok else 1)
