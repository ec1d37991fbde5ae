#!/usr/bin/env python3
"""Fails when the modules of a Rust crate import each other in a circle.

    python3 scripts/check-module-cycles.py core/src native/src capi/src

Each argument is a crate's `src` folder; every crate root in it (`lib.rs`,
`main.rs`) is read with the modules it declares. Prints every cycle found,
with the lines that make each edge, and exits 1; exits 0 when there is none.

The graph, and the rules that decide what is an edge:

- **A node is a file.** A folder's `mod.rs` (or the crate root) is the
  parent module of the files beside it. Inline modules (`mod tests { … }`)
  belong to the file they are written in: a test module importing its own
  file (`use super::*`) is no edge.
- **Declaring a child is no edge.** `mod x;` only says that `x` exists.
- **An edge is a `use` or a path.** `use crate::a::B`, `use super::b`,
  `use self::c::D`, a use of a child by its bare name (`use rng::Rng` in
  the child's parent), and paths in code (`crate::a::f()`, `super::b::C`,
  `child::f()`, and `alias::f()` after `use crate::alias`). Paths to other
  crates (`std::`, `serde::`, `continuity_core::`) are not followed.
  Comments (doc links included) and string literals are ignored.
- **An edge goes to the file that defines the item.** A path is followed
  through every `use` on its way: `use super::X` in a sibling, where the
  parent has `pub use child::X`, is an edge to `child`, not to the parent
  (the parent only passes `X` on). When the item is not imported into the
  module the path ends in, that module defines it and the edge goes there.
  A glob (`use super::*`) is an edge to the module globbed. A
  `#[macro_export]` macro lives at the crate root by Rust's rules but is
  defined where its `macro_rules!` is: `use crate::wire_enum` is an edge
  to that file, not to the root. The paths inside a macro's body are
  resolved where it is expanded, so they are no edges of the defining file.
- **Tests are not layers.** A `#[cfg(test)]` inline module (the usual
  `mod tests { … }`) sits above everything it checks, so what it imports
  makes no edge.
- **Parent and child count like any two files.** A child using an item its
  parent defines (`use super::Engine` in `engine/flow.rs`, with `Engine`
  defined in `engine/mod.rs`) is an edge to the parent, and a parent using
  an item of its child (`flow::failure_reason()` in `engine/mod.rs`) an
  edge to the child: both together are a cycle. So a child may reach up
  for its parent's types (`impl Engine { … }` blocks in a child are fine:
  calling their methods on `self` imports nothing), as long as the parent
  uses nothing of the child (declaring it with `mod child;` is all); or the
  parent uses its children, and what they share lives in a child of its
  own. Either way every file imports in one direction.

`ALLOWED_EDGES` lists the edges still tolerated while a fix lands
elsewhere, each with its reason. An allowed edge is left out of the graph;
an entry whose edge no longer closes a cycle (the edge is gone, or the
other direction is) fails the check (exit 1), so the list only shrinks.

A cycle is a strongly connected component of two or more files; for each,
one shortest cycle through its files is printed with its edges.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT_FILES = ("lib.rs", "main.rs")

# (crate src folder, from file, to file), paths relative to the src folder.
ALLOWED_EDGES: set[tuple[str, str, str]] = set()


# --- Reading a file: comments and literals out, tokens with line numbers. ---

TOKEN = re.compile(
    r"""
    (?P<ident>r\#[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)
  | (?P<sep>::)
  | (?P<punct>[{}();,*<>=&!\#\[\]])
  | (?P<other>\S)
    """,
    re.VERBOSE,
)
CHAR_LITERAL = re.compile(r"'(?:\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'\n])'")


def strip(text):
    """`text` with comments, strings and chars blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)

    def blank(segment):
        out.append("".join(c if c == "\n" else " " for c in segment))

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(text[i:end])
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(text[i:j])
            i = j
        elif (m := re.compile(r'b?r(#*)"').match(text, i)) and (
            i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
        ):
            close = '"' + m.group(1)
            end = text.find(close, m.end())
            end = n if end < 0 else end + len(close)
            blank(text[i:end])
            i = end
        elif c == '"' or (c == "b" and text.startswith('b"', i)):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            blank(text[i : j + 1])
            i = j + 1
        elif c == "'" and (m := CHAR_LITERAL.match(text, i)):
            blank(m.group(0))
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def tokens(text):
    line = 1
    pos = 0
    for m in TOKEN.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        kind = m.lastgroup
        yield (m.group(kind), kind, line)


def skip_block(toks, i):
    """The index just past the bracketed group that opens at (or after) `i`."""
    opening = {"{": "}", "(": ")", "[": "]"}
    while i < len(toks) and toks[i][0] not in opening:
        i += 1
    depth = 0
    while i < len(toks):
        text = toks[i][0]
        if text in opening:
            depth += 1
        elif text in ("}", ")", "]"):
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


# --- The module tree. ---


class Module:
    def __init__(self, path, file, parent):
        self.path = path  # ("config", "rules"), () for the crate root
        self.file = file
        self.parent = parent
        self.children = {}  # name -> Module
        self.imports = {}  # name -> (absolute path, line) from `use`
        self.globs = []  # absolute paths of `use …::*`
        self.refs = []  # (absolute path, line, via) paths used in code


def child_file(file, name):
    folder = file.parent if file.name in ROOT_FILES + ("mod.rs",) else file.with_suffix("")
    for candidate in (folder / f"{name}.rs", folder / name / "mod.rs"):
        if candidate.exists():
            return candidate
    return None


def parse_use_tree(toks, i, prefix, out):
    """Reads a use tree from toks[i]; appends (path, binding) to out; returns the next index."""
    path = list(prefix)
    while i < len(toks):
        text, kind, _ = toks[i]
        if text == "{":
            i += 1
            while toks[i][0] != "}":
                i = parse_use_tree(toks, i, path, out)
                if toks[i][0] == ",":
                    i += 1
            return i + 1
        if text == "*":
            out.append((path + ["*"], None))
            return i + 1
        if kind == "ident":
            path.append(text)
            i += 1
            if i < len(toks) and toks[i][0] == "::":
                i += 1
                continue
            binding = path[-1]
            if i + 1 < len(toks) and toks[i][0] == "as":
                binding = toks[i + 1][0]
                i += 2
            if path[-1] == "self":
                path.pop()
                binding = path[-1] if binding == "self" else binding
            out.append((path, binding))
            return i
        return i + 1
    return i


def absolute(module, segments):
    """`segments` from `module` as a path from the crate root, or None if outside the crate."""
    first = segments[0]
    if first == "crate":
        base, rest = [], segments[1:]
    elif first in ("self", "super"):
        base = list(module.path)
        rest = list(segments)
        while rest and rest[0] in ("self", "super"):
            if rest.pop(0) == "super":
                if not base:
                    return None
                base.pop()
    elif first in module.children:
        base, rest = list(module.path), list(segments)
    elif first in module.imports:
        target, _ = module.imports[first]
        if target is None:
            return None
        base, rest = list(target), list(segments[1:])
    else:
        return None
    return tuple(base + rest)


def read_crate(root_file):
    modules = {}
    macros = {}  # name of a #[macro_export] macro -> the module that defines it

    def load(file, path, parent):
        module = Module(path, file, parent)
        modules[path] = module
        toks = list(tokens(strip(file.read_text(encoding="utf-8"))))
        scan(module, toks, file)
        return module

    def scan(top, toks, file):
        # Inline modules: a stack of (module, brace depth at which it opened).
        stack = [(top, 0)]
        depth = 0
        pending_uses = []  # (module, tokens index) resolved once children are known
        exported = False  # a #[macro_export] waits for its macro_rules!
        test_only = False  # a #[cfg(test)] waits for its item
        i = 0
        while i < len(toks):
            text, kind, line = toks[i]
            current = stack[-1][0]
            if text == "cfg" and [t[0] for t in toks[i + 1 : i + 4]] == ["(", "test", ")"]:
                test_only = True
                i += 4
                continue
            if text == "macro_export":
                exported = True
            elif text == "macro_rules" and i + 2 < len(toks) and toks[i + 1][0] == "!":
                if exported:
                    macros[toks[i + 2][0]] = current
                exported = False
                # The body's paths belong to where it is expanded.
                i = skip_block(toks, i + 3)
                continue
            elif test_only and text == "mod" and [t[0] for t in toks[i + 2 : i + 3]] == ["{"]:
                test_only = False
                i = skip_block(toks, i + 2)
                continue
            elif text in ("fn", "struct", "enum", "impl", "use", "const", "static", "type", "mod"):
                test_only = False
            if text == "{":
                depth += 1
            elif text == "}":
                depth -= 1
                if len(stack) > 1 and depth < stack[-1][1]:
                    stack.pop()
            elif text == "mod" and i + 2 < len(toks) and toks[i + 1][1] == "ident":
                name = toks[i + 1][0]
                if toks[i + 2][0] == ";":
                    child = child_file(current.file if current is top else file, name)
                    if child is not None and current is top:
                        current.children[name] = load(child, current.path + (name,), current)
                    i += 3
                    continue
                if toks[i + 2][0] == "{":
                    inner = Module(current.path + (name,), file, current)
                    inner.inline = True
                    current.children[name] = inner
                    modules[inner.path] = inner
                    depth += 1
                    stack.append((inner, depth))
                    i += 3
                    continue
            elif text == "use" and (i == 0 or toks[i - 1][0] != "::"):
                pending_uses.append((current, i))
                while toks[i][0] != ";":
                    i += 1
            elif kind == "ident" and (i == 0 or toks[i - 1][0] != "::"):
                if i + 1 < len(toks) and toks[i + 1][0] == "::":
                    segments = [text]
                    j = i + 1
                    while (
                        j + 1 < len(toks) and toks[j][0] == "::" and toks[j + 1][1] == "ident"
                    ):
                        segments.append(toks[j + 1][0])
                        j += 2
                    current.refs.append((segments, line))
                    i = j
                    continue
            i += 1
        for module, start in pending_uses:
            out = []
            parse_use_tree(toks, start + 1, [], out)
            line = toks[start][2]
            for segments, binding in out:
                module.refs.append((segments, line))
                if segments[-1] == "*":
                    module.globs.append(segments[:-1])
                elif binding:
                    module.imports[binding] = (segments, line)

    root = load(root_file, (), None)
    root.macros = macros
    # Now that every module is known, make paths absolute.
    for module in modules.values():
        raw_imports = module.imports
        module.imports = {}
        for binding, (segments, line) in raw_imports.items():
            module.imports[binding] = (None, line)
        for binding, (segments, line) in raw_imports.items():
            module.imports[binding] = (absolute(module, segments), line)
        module.globs = [absolute(module, g) if g else None for g in module.globs]
        module.refs = [(absolute(module, s), line) for s, line in module.refs]
    return root, modules


def defining_module(modules, path, seen=None):
    """The module that defines what `path` names, following `use`s."""
    seen = seen or set()
    if path in seen:
        return None
    seen.add(path)
    module = modules.get(())
    if path and path[0] in getattr(module, "macros", {}):
        return module.macros[path[0]]
    for depth, segment in enumerate(path):
        if segment == "*":
            return module
        if segment in module.children:
            module = module.children[segment]
            continue
        if segment in module.imports:
            target, _ = module.imports[segment]
            if target is None:
                return module if depth == len(path) - 1 else None
            return defining_module(modules, target + path[depth + 1 :], seen)
        return module
    return module


def file_of(module):
    while getattr(module, "inline", False):
        module = module.parent
    return module


def edges_of(modules):
    edges = defaultdict(list)  # (from file, to file) -> lines
    for module in modules.values():
        source = file_of(module)
        for path, line in module.refs:
            if path is None:
                continue
            target = defining_module(modules, path)
            if target is None:
                continue
            target = file_of(target)
            if target is source:
                continue
            edges[(source.file, target.file)].append(line)
    return edges


def strongly_connected(nodes, graph):
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            out.append(component)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def shortest_cycle(start, component, graph):
    """A shortest path start -> … -> start inside component."""
    inside = set(component)
    frontier = [[start]]
    seen = {start}
    while frontier:
        next_frontier = []
        for path in frontier:
            for w in sorted(graph[path[-1]]):
                if w == start:
                    return path + [start]
                if w in inside and w not in seen:
                    seen.add(w)
                    next_frontier.append(path + [w])
        frontier = next_frontier
    return [start]


def allowed_in(src):
    """The allowed edges of the crate whose src folder is `src`, as (from, to) files."""
    repo = Path(__file__).resolve().parent.parent
    return {
        (src / a, src / b)
        for folder, a, b in ALLOWED_EDGES
        if (repo / folder).resolve() == src.resolve()
    }


def graph_of(edges):
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    return graph


def components(edges):
    """The strongly connected components of the graph `edges` makes."""
    nodes = {node for edge in edges for node in edge}
    return strongly_connected(nodes, graph_of(edges))


def main(args):
    folders = list(args)
    if not folders or any(a.startswith("-") for a in folders):
        print("usage: check-module-cycles.py SRC_DIR...", file=sys.stderr)
        return 2
    cycles = 0
    stale = []
    for folder in folders:
        src = Path(folder)
        roots = [src / name for name in ROOT_FILES if (src / name).exists()]
        if not roots:
            print(f"{src}: no lib.rs or main.rs", file=sys.stderr)
            return 2
        allowed = allowed_in(src)
        needed = set()
        for root_file in roots:
            sys.setrecursionlimit(10_000)
            _, modules = read_crate(root_file)
            edges = edges_of(modules)
            # An allowed edge is still needed while it closes a cycle.
            for component in components(edges):
                needed.update(
                    (a, b) for a, b in allowed if (a, b) in edges and {a, b} <= set(component)
                )
            edges = {edge: lines for edge, lines in edges.items() if edge not in allowed}
            graph = graph_of(edges)
            for component in components(edges):
                if len(component) < 2:
                    continue
                cycles += 1
                cycle = shortest_cycle(sorted(component)[0], component, graph)
                print(f"import cycle in {root_file}: {len(component)} files")
                for a, b in zip(cycle, cycle[1:]):
                    lines = ", ".join(str(n) for n in sorted(set(edges[(a, b)])))
                    print(f"  {a} -> {b} (line {lines})")
                others = sorted(set(component) - set(cycle))
                if others:
                    print(f"  (also in the component: {', '.join(map(str, others))})")
        stale.extend(sorted(allowed - needed))
    for a, b in stale:
        print(f"allowed edge {a} -> {b} closes no cycle now: remove it from ALLOWED_EDGES")
    if cycles:
        print(f"{cycles} import cycle(s): make the modules import downwards only")
    return 1 if cycles or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
