#!/usr/bin/env python3
"""The layout rules of docs/architecture.md, checked on the source (run by scripts/test.sh):

1. all SQL lives in app/src/db/;
2. nothing under app/src/db/ imports a feature module (db is the floor);
3. no import cycle between the files of app/src (a file that re-exports its children is not a cycle);
4. no TAPHUAN_* variable is read outside server/src/cli.rs (clap reads them all into the config).

Prints each breach as path:line: message and exits 1 if there is any.
"""
import collections, os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
APP = os.path.join(ROOT, "app", "src")
FEATURES = ("admin", "auth", "catalog", "certificate", "components", "dashboard", "lesson", "quiz", "state", "routes")
problems = []


def rust_files(top):
    for d, _, fs in os.walk(top):
        for f in sorted(fs):
            if f.endswith(".rs"):
                yield os.path.join(d, f)


def code_of(path):
    """The file without its unit tests, comments and string contents (line numbers kept)."""
    text = open(path, encoding="utf-8").read()
    cut = text.find("#[cfg(test)]\nmod tests")
    if cut >= 0:
        text = text[:cut]
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def rel(path):
    return os.path.relpath(path, ROOT)


for path in rust_files(APP):
    raw = open(path, encoding="utf-8").read()
    in_db = os.path.relpath(path, APP).startswith("db" + os.sep)
    if not in_db:
        for m in re.finditer(r"sqlx::query", raw):
            problems.append(f"{rel(path)}:{line_of(raw, m.start())}: SQL outside app/src/db/")
    else:
        code = code_of(path)
        for m in re.finditer(r"crate::(" + "|".join(FEATURES) + r")\b", code):
            problems.append(f"{rel(path)}:{line_of(code, m.start())}: db imports the feature module `{m.group(1)}`")

for top in (os.path.join(ROOT, "app", "src"), os.path.join(ROOT, "server", "src")):
    for path in rust_files(top):
        if rel(path) == os.path.join("server", "src", "cli.rs"):
            continue
        raw = open(path, encoding="utf-8").read()
        for m in re.finditer(r'env::var(_os)?\(\s*"TAPHUAN_', raw):
            problems.append(f"{rel(path)}:{line_of(raw, m.start())}: TAPHUAN_* read outside server/src/cli.rs")

# The import graph between files: `crate::a::b` and `super::x` references, resolved to the longest module
# path that is a file; a parent's `mod`/`pub use` of its children is not an edge.
modules = {}
for path in rust_files(APP):
    parts = os.path.relpath(path, APP)[:-3].split(os.sep)
    if parts[-1] == "mod":
        parts = parts[:-1]
    if parts == ["lib"]:
        parts = []
    modules["::".join(parts)] = path


def resolve(name):
    parts = name.split("::")
    for n in range(len(parts), 0, -1):
        key = "::".join(parts[:n])
        if key in modules:
            return key
    return None


edges = collections.defaultdict(set)
for mod, path in modules.items():
    code = code_of(path)
    here = mod.split("::") if mod else []
    parent = here[:-1]
    for m in re.finditer(r"crate::([a-z0-9_]+(?:::[a-z0-9_]+)*)(::\{([^}]*)\})?", code):
        names = [m.group(1)]
        if m.group(3):
            names = [m.group(1) + "::" + x.strip().split(" ")[0] for x in m.group(3).split(",") if x.strip()[:1].islower()] or names
        for n in names:
            target = resolve(n)
            if target is not None and target != mod and not mod.startswith(target + "::"):
                edges[mod].add(target)
    for m in re.finditer(r"\bsuper::([a-z0-9_]+(?:::[a-z0-9_]+)*)", code):
        target = resolve("::".join(parent + [m.group(1)]))
        if target is not None and target != mod and not mod.startswith(target + "::"):
            edges[mod].add(target)

index, low, stack, on, counter = {}, {}, [], set(), [0]
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        scc = []
        while True:
            w = stack.pop()
            on.discard(w)
            scc.append(w)
            if w == v:
                break
        if len(scc) > 1:
            links = "; ".join(f"{a} -> {', '.join(sorted(x for x in edges[a] if x in scc))}" for a in sorted(scc))
            problems.append(f"{rel(modules[sorted(scc)[0]])}:1: import cycle between files: {links}")


for v in sorted(modules):
    if v not in index:
        visit(v)

for p in problems:
    print(p)
if problems:
    print(f"{len(problems)} layout problems", file=sys.stderr)
    sys.exit(1)
print(f"layout: {len(modules)} files, SQL only in db/, db imports no feature, no import cycle, configuration only in cli.rs", file=sys.stderr)
