package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PrivacyCommandsTest {

    private static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": ([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void privacyJsonRdp() {
        EdpRun r = EdpRun.run("privacy", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2250",
                "--delta", "1e-5", "--json");
        assertEquals(0, r.code(), r.err());
        String line = r.out().trim();
        assertEquals(1, line.lines().count());
        assertTrue(line.matches("\\{\"epsilon\": [0-9.eE-]+, \"delta\": 1.0E-5, \"order\": 3.9, \"accountant\": \"rdp\"\\}"),
                line);
        assertEquals(7.32911117143, field(line, "epsilon"), 7.33e-9);
    }

    @Test
    void privacyJsonPrv() {
        EdpRun r = EdpRun.run("privacy", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2249",
                "--delta", "1e-5", "--accountant", "prv", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(6.777, field(r.out(), "epsilon"), 0.01);
        assertTrue(r.out().contains("\"order\": null, \"accountant\": \"prv\""), r.out());
    }

    @Test
    void privacyText() {
        EdpRun r = EdpRun.run("privacy", "--sample-rate", "1", "--noise-multiplier", "2", "--steps", "1", "--delta", "1e-5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("epsilon = "), r.out());
        assertTrue(r.out().contains("best order"), r.out());
    }

    @Test
    void calibrateJson() {
        EdpRun r = EdpRun.run("calibrate", "--target-epsilon", "8", "--delta", "1e-5", "--sample-rate", "0.04",
                "--steps", "2250", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().trim().matches("\\{\"noise_multiplier\": [0-9.eE-]+, \"epsilon\": [0-9.eE-]+\\}"), r.out());
        assertEquals(1.416, Math.round(field(r.out(), "noise_multiplier") * 1000) / 1000.0, 0.0);
        assertTrue(field(r.out(), "epsilon") <= 8.0);
    }

    @Test
    void badArgumentsExitTwoWithAMessageNamingTheArgument() {
        String[][] bad = {
            {"--sample-rate", "privacy", "--sample-rate", "0", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5"},
            {"--sample-rate", "privacy", "--sample-rate", "1.5", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5"},
            {"--delta", "privacy", "--sample-rate", "0.1", "--noise-multiplier", "1", "--steps", "1", "--delta", "1"},
            {"--steps", "privacy", "--sample-rate", "0.1", "--noise-multiplier", "1", "--steps", "-4", "--delta", "1e-5"},
            {"--accountant", "privacy", "--sample-rate", "0.1", "--noise-multiplier", "1", "--steps", "1", "--delta",
                "1e-5", "--accountant", "gdp"},
            {"--steps", "privacy", "--sample-rate", "0.1", "--noise-multiplier", "1", "--steps", "many", "--delta", "1e-5"},
            {"--delta", "calibrate", "--target-epsilon", "1", "--delta", "0", "--sample-rate", "0.1", "--steps", "10"},
            {"--sample-rate", "calibrate", "--target-epsilon", "1", "--delta", "1e-5", "--sample-rate", "-1", "--steps", "10"},
            {"--accountant", "calibrate", "--target-epsilon", "1", "--delta", "1e-5", "--sample-rate", "0.1", "--steps",
                "10", "--accountant", "moments"},
        };
        for (String[] c : bad) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            EdpRun plain = EdpRun.run(new CommandLine(new Edp()), args);
            assertEquals(2, plain.code(), String.join(" ", args));
            assertTrue(plain.err().lines().findFirst().orElse("").contains(c[0]), plain.err());
            EdpRun main = EdpRun.run(Edp.newCommandLine(), args);
            assertEquals(2, main.code());
            assertEquals(1, main.err().lines().count(), main.err());
            assertTrue(main.err().contains(c[0]), main.err());
            assertEquals("", main.out());
        }
    }
}
