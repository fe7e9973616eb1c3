#!/usr/bin/env python3
"""Lists, per target, the modules its files import that Package.swift does not declare as a direct
dependency, and the declared dependencies no file imports. Exit status 1 when anything is listed."""
import json, os, re, subprocess, sys

SYSTEM = {"Foundation", "FoundationEssentials", "Glibc", "Darwin", "Musl", "Dispatch", "Synchronization",
          "FoundationNetworking", "Testing", "XCTest", "os", "_Concurrency", "PackageDescription"}
pkg = json.loads(subprocess.run(["swift", "package", "dump-package"], capture_output=True, text=True, check=True).stdout)
problems = 0
for t in pkg["targets"]:
    if t["type"] in ("system", "plugin"):
        continue
    path = t.get("path") or ("Tests/" if t["type"] == "test" else "Sources/") + t["name"]
    declared = set()
    for d in t.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in d:
                declared.add(d[kind][0])
    imported = set()
    for root, _, files in os.walk(path):
        for f in files:
            if f.endswith(".swift"):
                for m in re.finditer(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public |internal |package )?import (?:(?:struct|enum|class|protocol|typealias|func|var) )?(\w+)", open(os.path.join(root, f)).read(), re.M):
                    imported.add(m.group(1))
    imported -= SYSTEM
    undeclared = sorted(imported - declared - {t["name"]})
    unused = sorted(declared - imported)
    if undeclared or unused:
        problems += 1
        print(f"{t['name']}: undeclared {undeclared} unused {unused}")
sys.exit(1 if problems else 0)
