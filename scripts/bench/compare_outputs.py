#!/usr/bin/env python3
"""Check that two builds of runback write the same bytes: the speed work must change no output.

    python3 scripts/bench/compare_outputs.py BEFORE AFTER [--sets N] [--work DIR]

BEFORE and AFTER are two runback binaries (say the release build of the commit before a
change and of the commit after it). The script

  1. writes N random answer sets (default 50,000) as one JSONL file, made from
     `BEFORE questions --format json` with a fixed seed: complete sets (every question,
     branches and check-in questions too, so some answers are ignored), partial sets
     (each question answered with a random probability, so rules are undecided and the
     floor for unanswered warning signs is raised), sets answering "not sure" wherever
     they can, the empty set, and a few lines that must be refused (bad JSON, a wrong
     value, an unknown question, a bad id), each with an `id` of its own, some with
     characters a terminal must not see;
  2. runs `runback batch` over it in every format the binary lists (it asks for the list
     with a bad `--format` and reads the possible values), with both builds, and compares
     the outputs, the standard error and the exit statuses byte for byte;
  3. runs `runback assess --answers examples/answers.json` in every report format, each
     plain and with `--explain`, `--detail`, `--full`, `--ascii` and `--color always`,
     and the same for the first 200 random sets, comparing in the same way.

The date is fixed with SOURCE_DATE_EPOCH and the state folder is a fresh one, so runs
are repeatable. It prints the counts compared and exits 1 at the first difference,
naming the command and the first differing line.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

EPOCH = "1764979200"  # 2025-12-06
SEED = 20


def run(binary, args, env, stdin=None):
    p = subprocess.run([binary, *args], env=env, stdin=stdin, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def possible_values(binary, args, env):
    """The values a `--format` takes, from clap's message about a bad one."""
    _, _, err = run(binary, [*args, "--format", "no-such-format"], env)
    found = re.search(r"possible values: ([^\]]+)\]", err.decode())
    if not found:
        sys.exit(f"cannot read the formats of {' '.join(args)}: {err.decode()}")
    return [v.strip() for v in found.group(1).split(",")]


def random_answer(rng, q, mode):
    kind = q["type"]
    options = [o["value"] for o in q.get("options", [])]
    if mode == "unsure" and "unsure" in options:
        return ["unsure"] if kind == "multi" else "unsure"
    if mode == "calm" and "no" in options and rng.random() < 0.98:
        return "no"
    if mode == "calm" and "none" in options and rng.random() < 0.9:
        return ["none"] if kind == "multi" else "none"
    if kind in ("yes_no", "single"):
        return rng.choice(options)
    if kind == "multi":
        exclusive = [o["value"] for o in q["options"] if o.get("exclusive")]
        others = [o["value"] for o in q["options"] if not o.get("exclusive")]
        if exclusive and rng.random() < 0.2:
            return [rng.choice(exclusive)]
        return rng.sample(others, rng.randint(1, len(others)))
    low, high = q["min"], q["max"]
    if kind == "scale" or q.get("integer"):
        return rng.randint(int(low), int(high))
    return round(rng.uniform(low, high), 1)


NASTY_IDS = ["ana\u001b]0;x\u0007", "bidi\u202eevil", "=SUM(A1)", "tab\there", "quote\"d, comma"]


def answer_sets(questions, count):
    rng = random.Random(SEED)
    for i in range(count):
        roll = rng.random()
        record = {"id": f"runner-{i}"} if i % 7 else {"id": i}
        if i % 997 == 5:
            record["id"] = NASTY_IDS[i % len(NASTY_IDS)]
        if roll < 0.004:
            yield ["{not json", '{"id": [1]}', '{"no_such_question": 1}', "[]"][i % 4]
            continue
        if roll < 0.008:
            q = rng.choice(questions)
            record[q["id"]] = "not-an-option" if q["type"] != "number" else 1e9
            yield json.dumps(record)
            continue
        if roll < 0.01:
            yield json.dumps(record)
            continue
        if roll < 0.25:
            mode, p = "complete", 1.0
        elif roll < 0.35:
            mode, p = "unsure", rng.uniform(0.3, 1.0)
        elif roll < 0.65:
            mode, p = "calm", rng.choice([1.0, rng.uniform(0.5, 1.0)])
        else:
            mode, p = "partial", rng.random()
        for q in questions:
            if rng.random() < p:
                record[q["id"]] = random_answer(rng, q, mode)
        yield json.dumps(record, ensure_ascii=i % 2 == 0, separators=(",", ":"))


def first_difference(a, b):
    for n, (x, y) in enumerate(zip(a.split(b"\n"), b.split(b"\n")), 1):
        if x != y:
            return n, x[:300], y[:300]
    return None, a[-300:], b[-300:]


def compare(label, before, after):
    if before == after:
        return
    print(f"DIFFERENT: {label}")
    for name, x, y in zip(("exit status", "stdout", "stderr"), before, after):
        if x != y:
            if isinstance(x, int):
                print(f"  {name}: {x} before, {y} after")
            else:
                line, bx, ax = first_difference(x, y)
                print(f"  {name}, line {line}:\n    before: {bx!r}\n    after:  {ax!r}")
    sys.exit(1)


def broken_rule_bases(work):
    """Copies of rules/ with the mistakes an author makes, one kind each."""
    def edit(name, change):
        folder = os.path.join(work, "broken", name)
        os.makedirs(folder, exist_ok=True)
        for file in os.listdir("rules"):
            if file.endswith(".json"):
                with open(os.path.join("rules", file)) as f:
                    text = f.read()
                with open(os.path.join(folder, file), "w") as f:
                    f.write(change(file, text))
        return folder

    def first(file, old, new):
        return lambda f, text: text.replace(old, new, 1) if f == file else text

    rules = json.load(open("rules/rules.json"))
    rule = rules["rules"][3]["id"]
    source = json.load(open("rules/sources.json"))["sources"][0]["id"]
    return [
        edit("syntax", first("rules.json", "{", "{,")),
        edit("wrong-kind", first("questionnaire.json", '"type": "yes_no"', '"type": 0')),
        edit("unknown-source", lambda f, t: t.replace(f'"{source}"', '"no-such-source"')
             if f != "sources.json" else t),
        edit("duplicate-rule", lambda f, t: t.replace(f'"id": "{rules["rules"][4]["id"]}"',
                                                     f'"id": "{rule}"', 1)
             if f == "rules.json" else t),
        edit("empty-title", lambda f, t: re.sub(r'"title": "[^"]*"', '"title": " "', t, count=1)
             if f == "causes.json" else t),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--sets", type=int, default=50_000)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="runback-compare-")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, RUNBACK_STATE_DIR=os.path.join(work, "state"))
    env.pop("NO_COLOR", None)

    code, out, err = run(args.before, ["questions", "--format", "json"], env)
    if code:
        sys.exit(err.decode())
    catalogue = json.loads(out)
    questions = [q for s in catalogue["sections"] for q in s["questions"]]
    lines = list(answer_sets(questions, args.sets))
    jsonl = os.path.join(work, "sets.jsonl")
    with open(jsonl, "w") as f:
        f.write("\n".join(lines) + "\n")

    formats = possible_values(args.before, ["batch"], env)
    if formats != possible_values(args.after, ["batch"], env):
        sys.exit("the two builds list different batch formats")
    batch_bytes = 0
    for fmt in formats:
        # One worker thread and several, so the order of records never depends on timing.
        for threads in ("1", "2"):
            runs = []
            for binary in (args.before, args.after):
                with open(jsonl, "rb") as stdin:
                    runs.append(run(binary, ["batch", "--format", fmt],
                                    dict(env, RAYON_NUM_THREADS=threads), stdin))
            compare(f"batch --format {fmt} (threads {threads})", *runs)
            batch_bytes += len(runs[0][1])
        records = runs[0][1].count(b"\n")
        print(f"batch --format {fmt}: {len(lines)} answer sets, {records} lines, identical")

    report_formats = possible_values(args.before, ["assess"], env)
    flags = [[], ["--explain"], ["--detail"], ["--full"], ["--ascii"], ["--color", "always"],
             ["--explain", "--full"]]
    files = ["examples/answers.json"]
    sample_dir = os.path.join(work, "sets")
    os.makedirs(sample_dir, exist_ok=True)
    for n, line in enumerate(lines[:200]):
        record = json.loads(line) if line.startswith("{") else None
        if isinstance(record, dict):
            record.pop("id", None)
            path = os.path.join(sample_dir, f"{n}.json")
            with open(path, "w") as f:
                json.dump(record, f)
            files.append(path)
    reports = 0
    for path in files:
        for fmt in report_formats:
            for extra in flags if path == files[0] else [[], ["--explain"]]:
                command = ["assess", "--answers", path, "--format", fmt, *extra]
                compare(" ".join(command), *(run(b, command, env) for b in (args.before, args.after)))
                reports += 1
    print(f"assess: {reports} reports ({len(files)} answer files x {len(report_formats)} formats "
          f"x flags), identical")
    broken = broken_rule_bases(work)
    for folder in broken:
        for command in (["--rules", folder, "check"],
                        ["--rules", folder, "assess", "--answers", "examples/answers.json"]):
            compare(" ".join(command), *(run(b, command, env) for b in (args.before, args.after)))
    print(f"rule-base problems: {len(broken)} broken rule bases, the same messages")
    print(f"all identical: {len(lines)} answer sets in {len(formats)} batch formats "
          f"({batch_bytes / 1e6:.0f} MB compared), {reports} reports, {len(broken)} broken rule bases")


if __name__ == "__main__":
    main()
