package org.edp4j.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseCalibrationTest {

    @Test
    void reproducesOpacusNoiseMultiplier() {
        // Opacus get_noise_multiplier(target_epsilon=8, target_delta=1e-5, sample_rate=0.04, epochs=90) = 1.416
        double sigma = NoiseCalibration.noiseMultiplierFor(8.0, 1e-5, 0.04, 2250, "rdp");
        assertEquals(1.416, Math.round(sigma * 1000) / 1000.0, 0.0);
        RdpAccountant acc = new RdpAccountant();
        acc.step(sigma, 0.04, 2250);
        assertTrue(acc.getEpsilon(1e-5) <= 8.0);
        RdpAccountant below = new RdpAccountant();
        below.step(sigma * (1 - 1e-3), 0.04, 2250);
        assertTrue(below.getEpsilon(1e-5) > 8.0, "smallest to 1e-3 relative");
    }

    @Test
    void prvNeedsLessNoise() {
        double rdp = NoiseCalibration.noiseMultiplierFor(4.0, 1e-5, 0.02, 500, "rdp");
        double prv = NoiseCalibration.noiseMultiplierFor(4.0, 1e-5, 0.02, 500, "prv");
        assertTrue(prv < rdp, prv + " vs " + rdp);
        PrvAccountant a = new PrvAccountant();
        a.step(prv, 0.02, 500);
        assertTrue(a.getEpsilon(1e-5) <= 4.0);
    }

    @Test
    void maxStepsIsTheBoundary() {
        long n = NoiseCalibration.maxSteps(1.5, 0.04, 7.0, 1e-5, "rdp");
        RdpAccountant at = new RdpAccountant();
        at.step(1.5, 0.04, n);
        RdpAccountant past = new RdpAccountant();
        past.step(1.5, 0.04, n + 1);
        assertTrue(at.getEpsilon(1e-5) <= 7.0);
        assertTrue(past.getEpsilon(1e-5) > 7.0);
        assertTrue(n < 2250 && n > 1500, "7.33 at 2250 steps: " + n);
        assertEquals(Long.MAX_VALUE, NoiseCalibration.maxSteps(1.0, 0.0, 1.0, 1e-5, "rdp"));
        assertEquals(0, NoiseCalibration.maxSteps(0.0, 0.5, 1.0, 1e-5, "rdp"));
    }

    @Test
    void edgeCasesAndValidation() {
        assertEquals(0.0, NoiseCalibration.noiseMultiplierFor(1.0, 1e-5, 0.0, 100, "rdp"));
        assertEquals(0.0, NoiseCalibration.noiseMultiplierFor(1.0, 1e-5, 0.5, 0, "rdp"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseCalibration.noiseMultiplierFor(1.0, 1e-5, 0.5, 10, "gdp"));
        assertTrue(e.getMessage().contains("gdp"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NoiseCalibration.noiseMultiplierFor(-1.0, 1e-5, 0.5, 10, "rdp"));
        assertEquals("targetEpsilon must be in (0, +inf), got -1.0", e.getMessage());
    }
}
