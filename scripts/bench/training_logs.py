#!/usr/bin/env python3
"""Hostile and very large training logs for the figures in BENCHMARKS.md (issue 19).

    python3 scripts/bench/training_logs.py OUT_DIR

writes into OUT_DIR:
  runs-100k.csv        100,000 runs in the 12 weeks before 2026-11-22 (Strava layout)
  rows-1m.csv          1,000,000 runs over five years (Strava layout, about 40 MB)
  zeros-200.zip        200 .fit.gz, each 64 MiB of zeros once unpacked
  zeros-2000.zip       2,000 of them
  fit-zeros-200.zip    200 .fit.gz, each a FIT header claiming 64 MiB and then 64 MiB of
                       zeros, so the format and size checks pass and every byte is unpacked
  fit-claims-200.zip   200 .fit.gz, each a FIT header claiming 2 GiB, then 64 MiB of zeros
  big-64.zip           64 entries of a GPX start and 64 MiB of padding each

Then, with a release build and the summary's day fixed:

    export SOURCE_DATE_EPOCH=1795305600   # 2026-11-22
    /usr/bin/time -v target/release/runback training OUT_DIR/runs-100k.csv > /dev/null
"""

import datetime
import gzip
import io
import os
import random
import sys
import zipfile

HEADER = "Activity ID,Activity Date,Activity Type,Distance,Moving Time,Elevation Gain,Activity Gear\n"
END = datetime.datetime(2026, 11, 22, 20, 0, 0)


def strava_csv(path, n, days):
    rng = random.Random(19)
    with open(path, "w") as f:
        f.write(HEADER)
        for i in range(n):
            t = END - datetime.timedelta(seconds=rng.randrange(days * 86400))
            km = round(rng.uniform(3, 25), 2)
            f.write(
                f'{i},"{t.strftime("%b %d, %Y, %I:%M:%S %p")}",Run,{km},{int(km * 330)},'
                f'{rng.randrange(300)},Shoe {rng.randrange(5)}\n'
            )


def gz_of(prefix, mib):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as g:
        g.write(prefix)
        block = bytes(1 << 20)
        for _ in range(mib):
            g.write(block)
    return buf.getvalue()


def zip_of(path, name, data, n):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for i in range(n):
            z.writestr(f"activities/{i}{name}", data)


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    strava_csv(os.path.join(out, "runs-100k.csv"), 100_000, 84)
    strava_csv(os.path.join(out, "rows-1m.csv"), 1_000_000, 5 * 365)
    zeros = gz_of(b"", 64)
    zip_of(os.path.join(out, "zeros-200.zip"), ".fit.gz", zeros, 200)
    zip_of(os.path.join(out, "zeros-2000.zip"), ".fit.gz", zeros, 2000)
    honest = b"\x0e\x10\x00\x00" + ((64 << 20) - 16).to_bytes(4, "little") + b".FIT\x00\x00"
    zip_of(os.path.join(out, "fit-zeros-200.zip"), ".fit.gz", gz_of(honest, 64), 200)
    claims = gz_of(b"\x0e\x10\x00\x00\xff\xff\xff\x7f.FIT\x00\x00", 64)
    zip_of(os.path.join(out, "fit-claims-200.zip"), ".fit.gz", claims, 200)
    gpx = b'<?xml version="1.0"?><gpx version="1.1">' + b" " * ((64 << 20) - 100) + b"</gpx>"
    with zipfile.ZipFile(os.path.join(out, "big-64.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(64):
            z.writestr(f"activities/{i}.gpx", gpx)


if __name__ == "__main__":
    main()
