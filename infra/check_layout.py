#!/usr/bin/env python3
"""The layout rules `make lint` holds the code to (docs/architecture.md):

1. No import circle among the domain crate's modules (`shared/src`): a module that
   uses another never is used by it, directly or through others. Small shared types
   live in leaf modules, so entities do not import each other in a ring.
2. Handler folders are leaves: nothing in `functions/src/portal` names
   `crate::admin`, and nothing in `functions/src/admin` names `crate::portal`. What
   both need lives in a module beside them.

Modules are files (`domain/member.rs` is `domain::member`; `store/mod.rs` is `store`).
A module depends on another when it names it: `use crate::a::b`, `use super::b`, or a
path such as `super::b::Thing` / `crate::a::b::Thing` in its code. A file's own
`#[cfg(test)]` module is left out: tests may reach anywhere.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / "shared" / "src"
FUNCTIONS = ROOT / "functions" / "src"

PATH = re.compile(r"\b(crate|super)((?:::[a-z_][a-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super)((?:::[a-z_][a-z0-9_]*)*)::\{([^;]*)\}", re.S)


def module_of(path: Path, root: Path) -> tuple:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def without_tests(text: str) -> str:
    """The file minus its `#[cfg(test)] mod tests { … }` (to the end of the file, as
    this codebase writes it)."""
    at = text.find("#[cfg(test)]\nmod tests")
    return text if at < 0 else text[:at]


def without_comments(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def modules(root: Path) -> dict:
    return {module_of(p, root): p for p in sorted(root.rglob("*.rs"))}


def resolve(module: tuple, start: str, rest: list, known: set, is_dir: bool) -> tuple | None:
    """The longest known module that `start::rest` names, seen from `module`."""
    if start == "crate":
        base = []
    else:
        # `super` of a file `a/b.rs` is `a`; of `a/b/mod.rs` (module `a::b`) also `a`.
        base = list(module[:-1])
    names = base + rest
    for n in range(len(names), 0, -1):
        candidate = tuple(names[:n])
        if candidate in known:
            return candidate
    return None


def dependencies(root: Path) -> dict:
    mods = modules(root)
    known = set(mods)
    deps = {m: set() for m in mods}
    for module, path in mods.items():
        text = without_comments(without_tests(path.read_text()))
        is_dir = path.name == "mod.rs"
        refs = []
        for start, tail in PATH.findall(text):
            refs.append((start, [s for s in tail.split("::") if s]))
        for start, tail, group in USE_GROUP.findall(text):
            prefix = [s for s in tail.split("::") if s]
            for item in group.split(","):
                first = item.strip().split("::")[0].split(" ")[0]
                if re.fullmatch(r"[a-z_][a-z0-9_]*", first or ""):
                    refs.append((start, prefix + [first]))
        for start, names in refs:
            target = resolve(module, start, names, known, is_dir)
            if target is not None and target != module and target != ():
                # A module's own submodules are its parts, not its dependencies.
                if target[: len(module)] != module:
                    deps[module].add(target)
    return deps


def circles(deps: dict) -> list:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(deps.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


def leaves() -> list:
    problems = []
    for folder, forbidden in (("portal", "admin"), ("admin", "portal")):
        for path in sorted((FUNCTIONS / folder).rglob("*.rs")):
            text = without_comments(without_tests(path.read_text()))
            for line_no, line in enumerate(text.splitlines(), 1):
                if re.search(rf"\bcrate::{forbidden}\b", line) or re.search(rf"\bsuper::super::{forbidden}\b", line):
                    problems.append(f"{path.relative_to(ROOT)}:{line_no}: names crate::{forbidden}")
    return problems


def main() -> int:
    failed = False
    for component in circles(dependencies(SHARED)):
        failed = True
        names = " <-> ".join("::".join(m) for m in component)
        print(f"import circle in shared/src: {names}")
    for problem in leaves():
        failed = True
        print(f"handler folders are leaves: {problem}")
    if not failed:
        print("layout: no import circle in shared/src; admin/ and portal/ import neither each other")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
