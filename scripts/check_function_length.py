#!/usr/bin/env python3
"""Fail when a function is longer than the limit (default 100 lines), so `make lint` refuses
a new 100-line function. ruff's C901 (complexity) and PLR0915 (statements) hold the rest of
the shape; this holds the length, which neither counts.

Usage: scripts/check_function_length.py [--max N] PATH...
Migrations are generated code and are left out.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path


def long_functions(path: Path, limit: int):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - start + 1
            if length > limit:
                yield node.name, node.lineno, length


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=100)
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    found = 0
    for root in args.paths:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            if "migrations" in path.parts or ".venv" in path.parts:
                continue
            for name, line, length in long_functions(path, args.max):
                print(f"{path}:{line}: {name} is {length} lines long (at most {args.max})")
                found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
