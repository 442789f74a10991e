package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class LogMathTest {

    private static final MathContext MC = new MathContext(80);
    private static final double REL_TOL = 1e-14;

    /** erfc(x) by the Taylor series of erf in 80-digit arithmetic (fine for |x| <= 6). */
    private static double erfcReference(double x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal x2 = bx.multiply(bx, MC);
        BigDecimal term = bx;
        BigDecimal sum = bx;
        for (int n = 1; n < 2000; n++) {
            term = term.multiply(x2, MC).negate().divide(BigDecimal.valueOf(n), MC);
            BigDecimal t = term.divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(t, MC);
            if (t.abs().compareTo(new BigDecimal("1e-60")) < 0) {
                break;
            }
        }
        BigDecimal twoOverSqrtPi = new BigDecimal(
                "1.1283791670955125738961589031215451716881012586579977136881714434212849368829868289734873204042147269");
        return BigDecimal.ONE.subtract(twoOverSqrtPi.multiply(sum, MC), MC).doubleValue();
    }

    @Test
    void erfcMatchesHighPrecisionReference() {
        for (double x = -5.0; x <= 5.5; x += 0.0625) {
            double ref = erfcReference(x);
            assertEquals(ref, LogMath.erfc(x), Math.abs(ref) * REL_TOL, "erfc(" + x + ")");
            assertEquals(Math.log(ref), LogMath.logErfc(x), 1e-14 * Math.max(1, Math.abs(Math.log(ref))),
                    "logErfc(" + x + ")");
        }
    }

    @Test
    void logErfcHasNoUnderflowInTheTail() {
        // erfc(30) ~ 2.6e-393 underflows; its log does not: -x^2 - log(x sqrt(pi)) + log(1 - 1/(2x^2) + ...)
        double x = 30;
        double asym = -x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log1p(-1 / (2 * x * x) + 3 / (4 * Math.pow(x, 4)) - 15 / (8 * Math.pow(x, 6)) + 105 / (16 * Math.pow(x, 8)));
        assertEquals(asym, LogMath.logErfc(x), 1e-12 * Math.abs(asym));
        assertEquals(Math.log(2), LogMath.logErfc(-40), 1e-16);
        assertEquals(Double.NEGATIVE_INFINITY, LogMath.logErfc(Double.POSITIVE_INFINITY));
    }

    @Test
    void logAddAndLogSub() {
        assertEquals(Math.log(5), LogMath.logAdd(Math.log(2), Math.log(3)), 1e-15);
        assertEquals(Math.log(3), LogMath.logAdd(Double.NEGATIVE_INFINITY, Math.log(3)), 0);
        assertEquals(Math.log(1), LogMath.logSub(Math.log(3), Math.log(2)), 1e-15);
        assertEquals(Double.NEGATIVE_INFINITY, LogMath.logSub(1.0, 1.0));
        assertEquals(2.0, LogMath.logSub(2.0, Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(LogMath.logSub(1.0, 2.0)));
        assertEquals(1000.0 + Math.log1p(Math.exp(-1)), LogMath.logAdd(1000.0, 999.0), 1e-12);
    }
}
