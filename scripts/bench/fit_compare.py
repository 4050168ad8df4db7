#!/usr/bin/env python3
"""Compares two builds of runback on FIT files: `runback training --format json FILE` must
give the same exit status, standard output and standard error byte for byte.

    python3 scripts/bench/fit_compare.py OLD_RUNBACK NEW_RUNBACK GENERATED_DIR [--mutants N]

GENERATED_DIR is what `RUNBACK_WRITE_FIT=DIR cargo bench --bench training` writes. Compared:
  - every FIT file among the fixtures (tests/fixtures/training), and the Strava export there;
  - GENERATED_DIR/export.zip (the benchmark's export) and every file of GENERATED_DIR/varied,
    one at a time and as one folder;
  - GENERATED_DIR/developer (files with developer fields), counted apart: the old decoder
    refused them;
  - with --mutants N, N damaged copies of fixtures and generated files (cut short at a
    random length, or with random bytes changed), counted apart by what differs.
Each file is read with the summary's day fixed (SOURCE_DATE_EPOCH) and TZ=UTC, and again with
TZ=Europe/Berlin.
"""

import collections
import glob
import os
import random
import subprocess
import sys
import tempfile

FIXTURES = "tests/fixtures/training"
AS_OF = "1795305600"  # 2026-11-22


def run(binary, path, tz):
    env = dict(os.environ, SOURCE_DATE_EPOCH=AS_OF, TZ=tz, NO_COLOR="1")
    p = subprocess.run(
        [binary, "training", "--format", "json", path],
        capture_output=True,
        env=env,
    )
    return p.returncode, p.stdout, p.stderr.replace(path.encode(), b"FILE")


def compare(old, new, paths, tz):
    same, differ = 0, []
    for path in paths:
        a, b = run(old, path, tz), run(new, path, tz)
        if a == b:
            same += 1
        else:
            differ.append((path, a, b))
    return same, differ


def show(label, same, differ, limit=3):
    print(f"{label}: {same} identical, {len(differ)} different")
    for path, a, b in differ[:limit]:
        print(f"  {path}\n    old: {a[0]} {a[2][:200]!r}\n    new: {b[0]} {b[2][:200]!r}")


def mutants(sources, n, out):
    rng = random.Random(20)
    paths = []
    for i in range(n):
        src = rng.choice(sources)
        data = bytearray(open(src, "rb").read())
        if src.endswith(".gz"):
            import gzip

            data = bytearray(gzip.decompress(bytes(data)))
        how = rng.choice(["cut", "flip", "flip-head"])
        if how == "cut":
            data = data[: rng.randrange(len(data))]
        elif how == "flip":
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            # Within the first kilobyte: headers and definitions.
            for _ in range(rng.randint(1, 3)):
                data[rng.randrange(min(len(data), 1024))] = rng.randrange(256)
        path = os.path.join(out, f"m{i}-{how}.fit")
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    return paths


def main():
    old, new, gen = sys.argv[1:4]
    n_mutants = int(sys.argv[sys.argv.index("--mutants") + 1]) if "--mutants" in sys.argv else 0
    fixtures = sorted(
        glob.glob(f"{FIXTURES}/*.fit")
        + glob.glob(f"{FIXTURES}/*.fit.gz")
        + [f"{FIXTURES}/strava-export.zip"]
    )
    varied = sorted(glob.glob(f"{gen}/varied/*.fit"))
    developer = sorted(glob.glob(f"{gen}/developer/*.fit"))
    for tz in ["UTC", "Europe/Berlin"]:
        print(f"TZ={tz}")
        show("  fixtures", *compare(old, new, fixtures, tz))
        show("  benchmark export", *compare(old, new, [f"{gen}/export.zip"], tz))
        show("  generated files, one at a time", *compare(old, new, varied, tz))
        show("  generated files, as one folder", *compare(old, new, [f"{gen}/varied"], tz))
    same, differ = compare(old, new, developer, "UTC")
    kinds = collections.Counter(
        (a[0], a[2].split(b": ", 2)[-1][:60], b[0]) for _, a, b in differ
    )
    print(f"files with developer fields: {same} identical, {len(differ)} different")
    for (old_rc, old_err, new_rc), count in kinds.most_common():
        print(f"  {count}: old exit {old_rc} {old_err!r}, new exit {new_rc}")
    if n_mutants:
        with tempfile.TemporaryDirectory() as out:
            sources = [f for f in fixtures if not f.endswith(".zip")] + varied[:50]
            paths = mutants(sources, n_mutants, out)
            same, differ = compare(old, new, paths, "UTC")
            print(f"damaged copies: {same} identical, {len(differ)} different")
            kinds = collections.Counter()
            for path, a, b in differ:
                kinds[(a[0], a[2][-70:], b[0], b[2][-70:])] += 1
            for (orc, oerr, nrc, nerr), count in kinds.most_common(12):
                print(f"  {count}: old {orc} {oerr!r}\n       new {nrc} {nerr!r}")


if __name__ == "__main__":
    main()
