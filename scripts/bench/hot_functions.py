#!/usr/bin/env python3
"""Lists the functions a one-shot `runback` process runs, for the linker to put first.

    python3 scripts/bench/hot_functions.py                   # writes link/hot-functions.txt
    python3 scripts/bench/hot_functions.py --check [BINARY]  # how many of them BINARY has

It builds runback twice, as `cargo build --release` and `cargo install` build it, and as
`cargo bench` builds it to time it: the benchmarks' dependencies switch on features of
runback's own, which changes its symbol names. The commands below run
under valgrind's callgrind, and every function of each binary that any of them executes is
listed, once, by its symbol name. `build.rs` hands the list to the linker (lld's
`--symbol-ordering-file`), which places those functions together at the start of the code:
a one-shot `runback assess` then runs code on 105 pages in 9 of the 64 KB stretches the
kernel maps at a time, where it ran code on 220 pages in 45 of them (BENCHMARKS.md, "the
whole process, once more").

Symbol names carry hashes that change with the compiler, the dependencies' versions and
the build's flags. A name that is no longer in the binary is skipped by the linker, so a
stale list costs speed, never correctness; `--check` says how stale it is, and running
this script again renews it.
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(ROOT, "link", "hot-functions.txt")
ANSWERS = os.path.join(ROOT, "examples", "answers.json")

# What a runner, a clinic's script and a packager run once and wait for.
COMMANDS = [
    ["--version"],
    ["assess", "--answers", ANSWERS],
    ["assess", "--answers", ANSWERS, "--format", "json"],
    ["assess", "--answers", ANSWERS, "--format", "html"],
    ["assess", "--answers", ANSWERS, "--format", "markdown"],
    ["assess"],  # answers on standard input
]


def executed(binary, args, out):
    """Symbol names of the binary's functions that `binary args` executes, in the order
    callgrind first lists them."""
    profile = os.path.join(out, "callgrind.out")
    with open(ANSWERS, "rb") as stdin:
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--demangle=no",
             f"--callgrind-out-file={profile}", binary, *args],
            stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1764979200"}, check=True,
        )
    target = os.path.realpath(binary)
    objects, functions, names = {}, {}, []
    current = None
    with open(profile) as f:
        for line in f:
            m = re.match(r"(c?)ob=\((\d+)\)(?: (.+))?", line)
            if m:
                if m.group(3):
                    objects[m.group(2)] = os.path.realpath(m.group(3).strip())
                if not m.group(1):
                    current = objects.get(m.group(2))
                continue
            m = re.match(r"(c?)fn=\((\d+)\)(?: (.+))?", line)
            if m:
                if m.group(3):
                    functions[m.group(2)] = m.group(3).strip()
                if not m.group(1) and current == target:
                    # callgrind marks a recursive call's frames with 'N.
                    name = re.sub(r"'\d+$", "", functions[m.group(2)])
                    # Left out: code callgrind could not name. A name ending in
                    # `.llvm.N` changes when its crate's code does; the 37 here are the
                    # standard library's and the dependencies', which keep theirs.
                    if not name.startswith("0x"):
                        names.append(name)
    return names


def symbols(binary):
    out = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    built = os.path.join(ROOT, "target", "release", "runback")
    binary = args[0] if args else built
    if check:
        with open(LIST) as f:
            listed = [line.strip() for line in f if line.strip()]
        present = symbols(binary)
        found = sum(name in present for name in listed)
        print(f"{found} of the {len(listed)} functions in {os.path.relpath(LIST, ROOT)} "
              f"are in {binary}")
        return
    seen, order = set(), []
    with tempfile.TemporaryDirectory() as out:
        # Both profiles write target/release/runback: the release build is left there.
        for build in [["bench", "--no-run", "--bench", "process"], ["build", "--release"]]:
            subprocess.run(["cargo", *build], cwd=ROOT, check=True)
            binary = os.path.join(out, f"runback-{build[0]}")
            with open(built, "rb") as src, open(binary, "wb") as dst:
                dst.write(src.read())
            os.chmod(binary, 0o755)
            for command in COMMANDS:
                for name in executed(binary, command, out):
                    if name not in seen:
                        seen.add(name)
                        order.append(name)
    os.makedirs(os.path.dirname(LIST), exist_ok=True)
    with open(LIST, "w") as f:
        f.write("".join(name + "\n" for name in order))
    print(f"{len(order)} functions written to {os.path.relpath(LIST, ROOT)}")


if __name__ == "__main__":
    main()
