#!/usr/bin/env python3
"""State of the Union addresses -> passages labelled with their period, for edp4j's accuracy table.

Usage: prepare.py PACKAGE_DATA_DIR OUT_DIR   (writes OUT_DIR/train.csv and OUT_DIR/test.csv)

Rules (deterministic, standard library only):
- Each address (one JSON file: year, name, party, text) is cut into passages: sentences (split after
  . ! or ? followed by white space) are appended until a passage has at least 100 words; a final
  remainder under 30 words is dropped.
- Label: the period of the address's year: 1790-1849, 1850-1899, 1900-1949, 1950-2021 (4 classes).
- Split by address, never inside one: within each period the addresses are ordered by
  SHA-256("edp4j-sotu-split-v1:" + year + "/" + name) and the first 20% (rounded) are test.
- CSV (RFC 4180, every field quoted), header text,label,year,president; UTF-8, LF.
"""
import csv
import glob
import hashlib
import json
import os
import re
import sys

PERIODS = [(1790, 1849), (1850, 1899), (1900, 1949), (1950, 2021)]
MIN_WORDS = 100
MIN_TAIL = 30
TEST_FRACTION = 0.2
SALT = "edp4j-sotu-split-v1:"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def period(year):
    for lo, hi in PERIODS:
        if lo <= year <= hi:
            return "%d-%d" % (lo, hi)
    raise ValueError("year %d outside the periods" % year)


def passages(text):
    out, cur, words = [], [], 0
    for s in SENTENCE_END.split(" ".join(text.split())):
        cur.append(s)
        words += len(s.split())
        if words >= MIN_WORDS:
            out.append(" ".join(cur))
            cur, words = [], 0
    if words >= MIN_TAIL:
        out.append(" ".join(cur))
    return out


def main(data_dir, out_dir):
    speeches = []
    for f in sorted(glob.glob(os.path.join(data_dir, "*.json"))):
        with open(f, encoding="utf-8") as fh:
            d = json.load(fh)
        speeches.append(d)
    by_period = {}
    for d in speeches:
        by_period.setdefault(period(d["year"]), []).append(d)
    test_keys = set()
    for p, ds in by_period.items():
        ds.sort(key=lambda d: hashlib.sha256((SALT + "%d/%s" % (d["year"], d["name"])).encode()).hexdigest())
        for d in ds[: round(TEST_FRACTION * len(ds))]:
            test_keys.add((d["year"], d["name"]))
    counts = {}
    writers = {}
    files = {}
    for split in ("train", "test"):
        files[split] = open(os.path.join(out_dir, split + ".csv"), "w", encoding="utf-8", newline="")
        writers[split] = csv.writer(files[split], quoting=csv.QUOTE_ALL, lineterminator="\n")
        writers[split].writerow(["text", "label", "year", "president"])
    for d in sorted(speeches, key=lambda d: (d["year"], d["name"])):
        split = "test" if (d["year"], d["name"]) in test_keys else "train"
        label = period(d["year"])
        for psg in passages(d["text"]):
            writers[split].writerow([psg, label, d["year"], d["name"]])
            counts[(split, label)] = counts.get((split, label), 0) + 1
    for f in files.values():
        f.close()
    for (split, label), n in sorted(counts.items()):
        print("%s %s %d" % (split, label, n), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
