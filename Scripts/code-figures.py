#!/usr/bin/env python3
"""Structural figures for the closing notes of architecture work.

Prints, for Sources/: what each module imports (from its source files), the largest
files, the longest functions (counted by brace matching from the `func`/`init` line to
its closing brace), and the `@unchecked Sendable` count. Run from the repository root:

    python3 Scripts/code-figures.py
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "Sources"
IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public\s+|internal\s+|package\s+|private\s+|fileprivate\s+)?import\s+(?:\w+\s+)?([A-Za-z_][\w.]*)")
FUNC = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|package|static|class|mutating|nonmutating|override|final|nonisolated|isolated|convenience|required|@discardableResult)\s+)*(func\s+[^\s(<]+|init[?!]?\s*[(<])")

def swift_files(root):
    for d, _, fs in os.walk(root):
        for f in fs:
            if f.endswith(".swift"):
                yield os.path.join(d, f)

def strip_strings(line):
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', line.split("//")[0])

imports, sizes, funcs, unchecked = {}, [], [], 0
for path in swift_files(ROOT):
    module = os.path.relpath(path, ROOT).split(os.sep)[0]
    lines = open(path, encoding="utf-8").read().split("\n")
    sizes.append((len(lines), path))
    for i, line in enumerate(lines):
        if "@unchecked Sendable" in line and not line.strip().startswith("//"):
            unchecked += 1
        m = IMPORT.match(line)
        if m:
            imports.setdefault(module, set()).add(m.group(1).split(".")[0])
        m = FUNC.match(line)
        if m:
            depth, opened, j = 0, False, i
            while j < len(lines):
                s = strip_strings(lines[j])
                depth += s.count("{") - s.count("}")
                if "{" in s:
                    opened = True
                if opened and depth <= 0:
                    break
                if not opened and j > i + 15:
                    break
                j += 1
            if opened:
                name = m.group(1).split()[-1] if m.group(1).startswith("func") else "init"
                funcs.append((j - i + 1, f"{path}:{i + 1} {name}"))

print("== imports per module (from source files)")
for module in sorted(imports):
    print(f"{module}: {', '.join(sorted(imports[module]))}")
print("\n== largest files (lines)")
for n, p in sorted(sizes, reverse=True)[:8]:
    print(f"{n:6d} {p}")
print("\n== longest functions (lines)")
for n, p in sorted(funcs, reverse=True)[:8]:
    print(f"{n:6d} {p}")
print(f"\n== @unchecked Sendable in {ROOT}: {unchecked}")
