package org.edp4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.data.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelTest {

    private static void assertSame(SavedModel a, SavedModel b) {
        assertEquals(a.shape(), b.shape());
        assertEquals(a.tokenIndex(), b.tokenIndex());
        assertEquals(a.tokenizer().maxTokenLength(), b.tokenizer().maxTokenLength());
        assertEquals(a.labels(), b.labels());
        assertEquals(a.privacy(), b.privacy());
        assertEquals(a.parameterNames(), b.parameterNames());
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i), b.parameters().get(i));
        }
    }

    @Test
    void bagWithVocabularyAndEncoderWithHashingRoundTripThroughAFile(@TempDir Path dir) throws Exception {
        for (SavedModel m : List.of(Fixtures.bag(), Fixtures.hashedEncoder())) {
            Path f = dir.resolve(m.shape().kind() + ".edp");
            m.save(f);
            assertSame(m, SavedModel.load(f));
            assertFalse(Files.exists(dir.resolve(m.shape().kind() + ".edp.tmp")));
        }
    }

    @Test
    void theFileHoldsNoNoiseKeyOrOtherSecretField() {
        String text = new String(Fixtures.bag().encode(), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("key"), "no field named key");
        assertTrue(text.contains("epsilon=3.0"));
    }

    @Test
    void everyFlippedByteIsACorruptFile() {
        byte[] good = Fixtures.bag().encode();
        for (int i = 0; i < good.length; i += Math.max(1, good.length / 500)) {
            byte[] bad = good.clone();
            bad[i] ^= 1;
            ModelFileException e = assertThrows(ModelFileException.class, () -> SavedModel.decode(bad, "m.edp"));
            assertTrue(e.getMessage().startsWith("m.edp: "), e.getMessage());
            assertTrue(e.getMessage().contains("corrupt") || e.getMessage().contains("not an edp4j model"),
                    e.getMessage());
        }
    }

    @Test
    void aTruncatedFileIsRefused() {
        byte[] good = Fixtures.bag().encode();
        for (int len : new int[] {0, 5, 12, 44, good.length / 2, good.length - 1}) {
            assertThrows(ModelFileException.class, () -> SavedModel.decode(Arrays.copyOf(good, len), "m.edp"));
        }
    }

    @Test
    void aForeignFileAndAnotherVersionAreNamed(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("x.edp");
        Files.write(png, "\u0089PNG\r\n\u001a\n plus a picture that is long enough to pass the length check"
                .getBytes(StandardCharsets.ISO_8859_1));
        ModelFileException e = assertThrows(ModelFileException.class, () -> SavedModel.load(png));
        assertTrue(e.getMessage().contains("not an edp4j model file"), e.getMessage());

        byte[] v2 = Fixtures.bag().encode();
        ByteBuffer.wrap(v2, 8, 4).putInt(2);
        // fix the checksum so that the version, not the checksum, is what is wrong
        byte[] body = Arrays.copyOf(v2, v2.length - 32);
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(body);
        System.arraycopy(sha, 0, v2, v2.length - 32, 32);
        e = assertThrows(ModelFileException.class, () -> SavedModel.decode(v2, "m.edp"));
        assertEquals("m.edp: model format version 2, this edp4j reads version 1", e.getMessage());

        e = assertThrows(ModelFileException.class, () -> SavedModel.load(dir.resolve("missing.edp")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void partsThatDisagreeAreRefused() {
        SavedModel m = Fixtures.bag();
        assertThrows(IllegalArgumentException.class, () -> new SavedModel(m.shape(), m.tokenizer(), m.tokenIndex(),
                List.of("only one"), m.privacy(), m.parameterNames(), m.parameters()));
        assertThrows(IllegalArgumentException.class, () -> new SavedModel(m.shape(), m.tokenizer(),
                HashedVocabulary.of(9), m.labels(), m.privacy(), m.parameterNames(), m.parameters()));
        assertThrows(IllegalArgumentException.class, () -> new SavedModel(m.shape(), m.tokenizer(), m.tokenIndex(),
                List.of("a\nb", "c"), m.privacy(), m.parameterNames(), m.parameters()));
        List<float[]> wrong = new java.util.ArrayList<>(m.parameters());
        wrong.set(1, new float[3]);
        SavedModel bad = new SavedModel(m.shape(), Tokenizer.standard(), m.tokenIndex(), m.labels(), m.privacy(),
                m.parameterNames(), wrong);
        ModelFileException e = assertThrows(ModelFileException.class, () -> SavedModel.decode(bad.encode(), "m.edp"));
        assertTrue(e.getMessage().contains("malformed: parameter 1"), e.getMessage());
    }
}
