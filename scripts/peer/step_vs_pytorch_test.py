#!/usr/bin/env python3
"""Tests of scripts/peer/step_vs_pytorch.py's verdicts: a target is met only when every round meets
it (BENCHMARKS.md's rule), not when the median does. Run: python3 scripts/peer/step_vs_pytorch_test.py
(standard library only; .ci/run runs it)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import step_vs_pytorch  # noqa: E402


class VerdictTest(unittest.TestCase):
    def test_a_median_below_the_target_is_not_enough(self):
        # 2026-12-01 00:22: mlp ordinary / PyTorch 1.21 [1.08, 1.34] had been called met against <= 1.3.
        self.assertEqual("not shown", step_vs_pytorch.verdict([1.08, 1.34], 1.3))

    def test_met_missed_and_the_boundary(self):
        self.assertEqual("met", step_vs_pytorch.verdict([1.10, 1.25], 1.3))
        self.assertEqual("met", step_vs_pytorch.verdict([1.3], 1.3))
        self.assertEqual("missed", step_vs_pytorch.verdict([1.31, 1.9], 1.3))
        self.assertEqual("not shown", step_vs_pytorch.verdict([1.3, 1.31], 1.3))


if __name__ == "__main__":
    unittest.main()
