#!/usr/bin/env python3
"""Tests of scripts/report.py's verdicts: a target is met only when the whole confidence interval
meets it. Run: python3 scripts/report_test.py (standard library only; .ci/run runs it)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402


def verdicts(rows):
    out = []
    report.targets(rows, out)
    return {line.split("|")[1].strip(): line.split("|")[3].strip() for line in out if line.startswith("| `")}


class VerdictTest(unittest.TestCase):
    def test_a_median_below_an_upper_target_is_not_enough(self):
        # BENCHMARKS.md had "1.058 ± 0.315 met" against <= 1.2: the interval reaches 1.373.
        v = verdicts({("encoder", 64): ((1.058, 0.315), None)})
        self.assertTrue(v["`encoder` private/non-private at batch 64 ≤ 1.2"].startswith("not shown"), v)

    def test_upper_target_met_missed_and_not_shown(self):
        for (r, e), want in [((1.10, 0.04), "met"), ((1.30, 0.10), "missed"), ((1.53, 0.414), "not shown"),
                             ((1.15, 0.0), "met")]:
            v = verdicts({("mlp", 256): ((r, e), None)})
            self.assertTrue(v["`mlp` private/non-private at batch 256 ≤ 1.15"].startswith(want), (r, e, v))

    def test_lower_target_uses_the_lower_end(self):
        # naive/private >= 20: 22.9 ± 7.6 reaches down to 15.3, so it is not shown.
        for (r, e), want in [((22.9, 7.6), "not shown"), ((25.0, 2.0), "met"), ((7.5, 1.8), "missed")]:
            v = verdicts({("text", 256): ((2.0, 0.1), (r, e))})
            self.assertTrue(v["`text` naive/private at batch 256 ≥ 20"].startswith(want), (r, e, v))

    def test_closer_to_one_needs_separated_intervals(self):
        v = verdicts({("mlp", 256): ((1.175, 0.47), None), ("mlp", 1024): ((1.088, 0.15), None)})
        self.assertTrue(v["`mlp` private/non-private at batch 1024 closer to 1"].startswith("not shown"), v)
        v = verdicts({("text", 256): ((2.57, 0.22), None), ("text", 1024): ((1.73, 0.26), None)})
        self.assertEqual("closer to 1 than at 256", v["`text` private/non-private at batch 1024 closer to 1"])

    def test_no_interval_is_not_shown(self):
        v = verdicts({("mlp", 256): ((1.0, float("nan")), None)})
        self.assertTrue(v["`mlp` private/non-private at batch 256 ≤ 1.15"].startswith("not shown"), v)


if __name__ == "__main__":
    unittest.main()
