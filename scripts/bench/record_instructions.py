#!/usr/bin/env python3
"""Instructions a batch record costs, by format: the measure of issue 20's "a JSONL record at
most twice a CSV row".

    python3 scripts/bench/record_instructions.py RUNBACK [RUNBACK ...] [--lines 1200]

For each binary, runs `runback batch --format F` under `valgrind --tool=callgrind` on one
worker thread (RAYON_NUM_THREADS=1), over three inputs of LINES lines each, and prints the
instructions a record costs: the run's instructions less those of the same command on the
first line alone (starting the process, loading the rule base), divided by the other lines.

  fixtures  the six answer sets of tests/fixtures/answers (full, emergency, urgent, soon,
            routine, empty) in turn, each with an id `runner-N`;
  random    complete random answer sets (every question, seed 7), with ids;
  mix       compare_outputs.py's mix: complete, partial, "not sure", calm and refused lines.

Instruction counts are the same on every run, whatever else the machine is doing.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import compare_outputs  # noqa: E402

FIXTURES = ["full", "emergency", "urgent", "soon", "routine", "empty"]
FORMATS = ["csv", "jsonl", "jsonl-summary"]


def inputs(binary, lines, work):
    doc = json.loads(subprocess.run([binary, "questions", "--format", "json"],
                                    capture_output=True, check=True).stdout)
    questions = [q for s in doc["sections"] for q in s["questions"]]
    sets = [json.load(open(f"tests/fixtures/answers/{f}.json")) for f in FIXTURES]
    made = {}
    rows = [json.dumps(dict(sets[i % 6], id=f"runner-{i}"), separators=(",", ":"))
            for i in range(lines)]
    made["fixtures"] = rows
    rng = random.Random(7)
    rows = []
    for i in range(lines):
        record = {"id": f"runner-{i}"}
        for q in questions:
            record[q["id"]] = compare_outputs.random_answer(rng, q, "complete")
        rows.append(json.dumps(record, separators=(",", ":")))
    made["random"] = rows
    made["mix"] = list(compare_outputs.answer_sets(questions, lines))
    paths = {}
    for name, rows in made.items():
        paths[name] = os.path.join(work, f"{name}.jsonl")
        with open(paths[name], "w") as f:
            f.write("\n".join(rows) + "\n")
        paths[name + "/first"] = os.path.join(work, f"{name}-first.jsonl")
        with open(paths[name + "/first"], "w") as f:
            f.write(rows[0] + "\n")
    return paths


def instructions(binary, fmt, path):
    env = dict(os.environ, RAYON_NUM_THREADS="1", SOURCE_DATE_EPOCH=compare_outputs.EPOCH)
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        binary, "batch", "--format", fmt, "--input", path],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(re.search(rb"Collected : (\d+)", p.stderr).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--lines", type=int, default=1200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        paths = inputs(args.binaries[0], args.lines, work)
        for binary in args.binaries:
            print(binary)
            for name in ["fixtures", "random", "mix"]:
                per = {}
                for fmt in FORMATS:
                    total = instructions(binary, fmt, paths[name])
                    start = instructions(binary, fmt, paths[name + "/first"])
                    per[fmt] = (total - start) // (args.lines - 1)
                print(f"  {name:9} " + "  ".join(f"{f} {per[f]:>8,}" for f in FORMATS)
                      + f"  jsonl/csv {per['jsonl'] / per['csv']:.2f}")


if __name__ == "__main__":
    main()
