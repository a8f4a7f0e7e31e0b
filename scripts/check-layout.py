#!/usr/bin/env python3
"""The layout rules of docs/architecture.md, checked on the source (run by scripts/test.sh):

1. all SQL lives in app/src/db/ (no sqlx query function, raw SQL or query builder elsewhere in app or server);
2. modules under app/src/db/ import only the allowed lower modules (db is the floor);
3. no import cycle between the files of app/src (a child using its parent's types is not a cycle);
4. no TAPHUAN_* variable is read outside server/src/cli.rs (clap reads them all into the config);
5. every `inner_html=` takes an `Html` value (stored, sanitised or escaped HTML), never a plain string;
6. every `<textarea>` with content gets it through `components::textarea_text` (leptos does not escape a
   textarea's children, so a text holding `</textarea>` would otherwise end it and become markup).

Prints each breach as path:line: message and exits 1 if there is any.
"""
import collections, os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
APP = os.path.join(ROOT, "app", "src")
# What db/ may use: itself, the content pipeline's types and the leaf helpers.
DB_ALLOWED = {"db", "content", "text", "calendar", "role", "html", "question"}
SQL = re.compile(r"\bsqlx::(query|query_as|query_scalar|query_with|raw_sql|QueryBuilder)\b|\buse sqlx::\{?[^;]*\b(query|query_as|query_scalar|raw_sql|QueryBuilder)\b")
problems = []


def rust_files(top):
    for d, _, fs in os.walk(top):
        for f in sorted(fs):
            if f.endswith(".rs"):
                yield os.path.join(d, f)


def strip(text):
    """Comments and string contents blanked (newlines kept, so line numbers hold): a small Rust lexer that knows
    line and nested block comments, plain and raw strings, and tells char literals from lifetimes."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + len(hashes) + 2)
            end = n if end < 0 else end + 1 + len(hashes)
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.[^']*|[^\\'])'", text[i:]):
            j = i + re.match(r"'(\\.[^']*|[^\\'])'", text[i:]).end()
            out.append("' '")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def code_of(path):
    """The file without its unit tests, comments and string contents (line numbers kept)."""
    text = open(path, encoding="utf-8").read()
    cut = text.find("#[cfg(test)]\nmod tests")
    if cut >= 0:
        text = text[:cut]
    return strip(text)


def crate_paths(code):
    """Every `crate::…` path a file names, with `use crate::{a, b::{c, d}}` groups expanded; with offsets."""
    for m in re.finditer(r"crate::", code):
        start = m.end()
        yield from expand(code, start, "", m.start())


def expand(code, i, prefix, at):
    m = re.match(r"([a-zA-Z0-9_]+(?:::[a-zA-Z0-9_]+)*)(::)?", code[i:])
    if code[i:i + 1] == "{":
        depth, j = 1, i + 1
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        inner, parts, depth, last = code[i + 1:j - 1], [], 0, 0
        for k, ch in enumerate(inner):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if ch == "," and depth == 0:
                parts.append((last, inner[last:k]))
                last = k + 1
        parts.append((last, inner[last:]))
        for off, part in parts:
            lead = len(part) - len(part.lstrip())
            if part.strip():
                yield from expand(code, i + 1 + off + lead, prefix, at)
        return
    if not m:
        if prefix:
            yield prefix.rstrip(":"), at
        return
    path = prefix + m.group(1)
    if m.group(2) and code[i + m.end():i + m.end() + 1] == "{":
        yield from expand(code, i + m.end(), path + "::", at)
    else:
        yield path, at


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def rel(path):
    return os.path.relpath(path, ROOT)


for top in (APP, os.path.join(ROOT, "server", "src")):
    for path in rust_files(top):
        code = code_of(path)
        in_db = os.path.relpath(path, APP).startswith("db" + os.sep)
        if not in_db:
            for m in SQL.finditer(code):
                problems.append(f"{rel(path)}:{line_of(code, m.start())}: SQL outside app/src/db/")
        elif top == APP:
            for name, at in crate_paths(code):
                first = name.split("::")[0]
                if first not in DB_ALLOWED:
                    problems.append(f"{rel(path)}:{line_of(code, at)}: db uses `crate::{name}`, above the floor")
        if top == APP:
            for m in re.finditer(r"inner_html\s*=\s*", code):
                value = code[m.end():m.end() + 200]
                if value.startswith(("format!", "String", "\"\"", "\"")) or re.match(r"[a-z_.]*\.to_string\(\)", value):
                    problems.append(f"{rel(path)}:{line_of(code, m.start())}: inner_html takes a plain string, not Html")
            # `code` has string contents blanked but keeps view! markup, which is not a string.
            for m in re.finditer(r"<textarea\b[^>]*>\s*\{", code):
                value = code[m.end():m.end() + 60].lstrip()
                if not value.startswith(("textarea_text(", "crate::components::textarea_text(")):
                    problems.append(f"{rel(path)}:{line_of(code, m.start())}: a textarea's content must go through components::textarea_text")

for top in (os.path.join(ROOT, "app", "src"), os.path.join(ROOT, "server", "src")):
    for path in rust_files(top):
        if rel(path) == os.path.join("server", "src", "cli.rs"):
            continue
        raw = open(path, encoding="utf-8").read()
        for m in re.finditer(r'env::vars?(_os)?\(|option_env!|env!\(\s*"TAPHUAN_|env\s*=\s*"TAPHUAN_', raw):
            problems.append(f"{rel(path)}:{line_of(raw, m.start())}: the environment is read outside server/src/cli.rs")

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
    for n, _ in crate_paths(code):
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
