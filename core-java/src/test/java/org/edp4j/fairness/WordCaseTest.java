package org.edp4j.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WordCaseTest {

    @Test
    void patterns() {
        assertEquals(WordCase.LOWER, WordCase.of("he"));
        assertEquals(WordCase.LOWER, WordCase.of("he2"));
        assertEquals(WordCase.TITLE, WordCase.of("He"));
        assertEquals(WordCase.TITLE, WordCase.of("X"));
        assertEquals(WordCase.UPPER, WordCase.of("HE"));
        assertEquals(WordCase.UPPER, WordCase.of("ÉLODIE"));
        assertEquals(WordCase.MIXED, WordCase.of("hE"));
        assertEquals(WordCase.MIXED, WordCase.of("McDonald"));
        assertEquals(WordCase.LOWER, WordCase.of("日本"));
    }

    @Test
    void applyGivesTheSamePattern() {
        assertEquals("she", WordCase.LOWER.apply("she", false));
        assertEquals("She", WordCase.TITLE.apply("she", true));
        assertEquals("SHE", WordCase.UPPER.apply("she", true));
        assertEquals("She", WordCase.MIXED.apply("she", true));
        assertEquals("she", WordCase.MIXED.apply("she", false));
        assertEquals("Élodie", WordCase.TITLE.apply("élodie", true));
    }
}
