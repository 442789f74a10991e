package org.edp4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.edp4j.privacy.GeometricSchedule;
import org.junit.jupiter.api.Test;

/** The --noise-schedule option: parsing, and the calibration of a long decaying schedule. */
class NoiseScheduleTest {

    @Test
    void parsesBothFormsAndNamesTheExpectedOnes() {
        assertEquals(1.0, NoiseSchedule.parse("constant").decay());
        assertEquals(0.9, NoiseSchedule.parse("decay:0.9").decay());
        assertEquals(4 * 0.81, NoiseSchedule.parse("decay:0.9").sigma(4, 2), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.parse("decay:0"));
        assertEquals("--noise-schedule must be 'constant' or 'decay:R' with R in (0, 1], got 'decay:0'", e.getMessage());
    }

    /** edp train's sampling over 10,000 epochs with its own sigma each: seconds at most (main: minutes). */
    @Test
    void tenThousandEpochsCalibrateInWellUnderAMinute() {
        double q = 1024.0 / 4717;
        NoiseSchedule s = NoiseSchedule.parse("decay:0.9999");
        double sigma0 = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> s.calibrate(3.0, 1e-5, q, 5, 10_000));
        assertTrue(sigma0 > 0, "sigma_0 " + sigma0);
        assertEquals(sigma0, new GeometricSchedule(q, 5, 10_000, 0.9999).calibrate(3.0, 1e-5), 0.0);
    }

    @Test
    void aTargetThatCannotBeMetSaysWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.parse("decay:0.5").calibrate(3.0, 1e-5, 0.2, 5, 3000));
        assertTrue(e.getMessage().contains("cannot be met: with decay 0.5 over 3000 epochs"), e.getMessage());
    }
}
