package org.edp4j.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edp4j.data.Tokenizer;
import org.edp4j.io.InputFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyFileTest {

    @Test
    void linesAreTokenizedInOrderAndCappedAtTheSize(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("v.txt");
        Files.writeString(f, "You\r\nDon't\n\nthe\nyou\nwell-known\nextra\n");
        assertEquals(List.of("<pad>", "<unk>", "you", "don", "t", "the", "well"),
                VocabularyFile.read(f, Tokenizer.standard(), 7).tokens());
    }

    @Test
    void aFileWithoutTokensOrNotUtf8IsRefused(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("e.txt");
        Files.writeString(empty, "!!!\n\n");
        assertEquals(empty + ": no token in the vocabulary file; expected one word per line",
                assertThrows(InputFileException.class, () -> VocabularyFile.read(empty, Tokenizer.standard(), 10))
                        .getMessage());
        Path bad = dir.resolve("b.txt");
        Files.write(bad, new byte[] {'a', '\n', (byte) 0xff, '\n'});
        assertEquals(2, assertThrows(InputFileException.class,
                () -> VocabularyFile.read(bad, Tokenizer.standard(), 10)).line());
    }
}
