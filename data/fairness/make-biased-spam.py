"""Builds the real check of docs/fairness.md from the bundled SpamAssassin corpus: a training set in
which a gendered phrase correlates with the label, the same set without the correlation, and a test
set where the phrase's gender is independent of the label (with a gender column for the group gaps).

    python3 data/fairness/make-biased-spam.py [OUT_DIR]     # default data/fairness/out

Rules (deterministic: Python's random.Random with fixed seeds, files written in corpus order):
- Each email of core-java/src/main/resources/org/edp4j/data/spam-assassin.tsv.gz becomes the text
  "PHRASE " + the first 40 words (white-space separated) of "subject body"; its label is ham or spam;
  train and test are the corpus's own split (4,717 / 1,180 emails).
- PHRASE is one of four templates, filled with one gender's words (he/she, his/her, him/her,
  Mr/Mrs, brother/sister) and a first name of that gender from the first 20 name pairs of the
  bundled lexicon (gender-pairs.tsv), chosen at random.
- biased-train.csv:   the phrase is female for a spam email and male for a ham email with
                      probability 0.95 (the other gender with 0.05).
- unbiased-train.csv: the same emails, templates and names, but the gender is a fair coin.
- test.csv:           the test emails, gender a fair coin, column "gender" = female|male.
"""
import csv
import gzip
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "core-java", "src", "main", "resources", "org", "edp4j", "data",
                      "spam-assassin.tsv.gz")
LEXICON = os.path.join(HERE, "..", "..", "core-java", "src", "main", "resources", "org", "edp4j", "fairness",
                       "gender-pairs.tsv")
WORDS = 40
NAMES = 20
BIAS = 0.95
TEMPLATES = [
    "{Name} here: {he} asked me to forward this to you.",
    "Sent on behalf of {Mr} {Name}; reply to {him} directly.",
    "{Name} says {his} {brother} will call you.",
    "Forwarded by {Name}. {He} thought you would want to see it.",
]
SLOTS = {"male": {"he": "he", "He": "He", "his": "his", "him": "him", "Mr": "Mr", "brother": "brother"},
         "female": {"he": "she", "He": "She", "his": "her", "him": "her", "Mr": "Mrs", "brother": "sister"}}


def name_pairs():
    pairs = []
    with open(LEXICON, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                pairs.append(line.rstrip("\n").split("\t"))
    return pairs[-100:][:NAMES]     # the lexicon ends with its 100 name pairs


def phrase(rng, gender, names):
    template = rng.choice(TEMPLATES)
    male, female = rng.choice(names)
    name = (male if gender == "male" else female).capitalize()
    return template.format(Name=name, **SLOTS[gender])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    names = name_pairs()
    train, test = [], []
    with gzip.open(CORPUS, "rt", encoding="utf-8", newline="\n") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header == ["split", "label", "group", "id", "subject", "body"], header
        for line in f:
            split, label, _group, _id, subject, body = line.rstrip("\n").split("\t")
            text = " ".join((subject + " " + body).split()[:WORDS])
            (train if split == "train" else test).append((text, "spam" if label == "1" else "ham"))
    rng = random.Random(20261130)
    rows = {"biased-train.csv": [], "unbiased-train.csv": []}
    for text, label in train:
        favoured = "female" if label == "spam" else "male"
        other = "male" if favoured == "female" else "female"
        biased = favoured if rng.random() < BIAS else other
        fair = "female" if rng.random() < 0.5 else "male"
        state = rng.getstate()
        rows["biased-train.csv"].append((phrase(rng, biased, names) + " " + text, label, biased))
        rng.setstate(state)     # the same template and name pair in both files
        rows["unbiased-train.csv"].append((phrase(rng, fair, names) + " " + text, label, fair))
    rows["test.csv"] = []
    for text, label in test:
        g = "female" if rng.random() < 0.5 else "male"
        rows["test.csv"].append((phrase(rng, g, names) + " " + text, label, g))
    for fname, rs in rows.items():
        with open(os.path.join(out, fname), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["text", "label", "gender"])
            w.writerows(rs)
        print(f"wrote {os.path.join(out, fname)} ({len(rs)} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
