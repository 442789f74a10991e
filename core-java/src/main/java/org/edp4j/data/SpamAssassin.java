package org.edp4j.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * The SpamAssassin public mail corpus, preprocessed and bundled in the jar: 5,897 emails labelled
 * ham (0) or spam (1), split 80/20 into a fixed train and test set.
 *
 * <pre>{@code
 * DatasetSplits data = SpamAssassin.load();
 * data.train().size();   // 4717
 * data.test().size();    // 1180
 * }</pre>
 *
 * <p>Each example's text is the email's subject, one space, and its body (at most 2,000 characters,
 * whitespace collapsed, HTML tags stripped); the headers are dropped. The groups are the five folders
 * of the corpus: {@code easy-ham-1}, {@code easy-ham-2}, {@code hard-ham-1} (ham) and
 * {@code spam-1}, {@code spam-2} (spam). Provenance, licence (PDDL 1.0 / CC0 1.0), the exact
 * preprocessing and the split rule are in {@code data/spam-assassin/README.md} of the source tree and
 * in the {@linkplain org.edp4j.data package documentation}.
 *
 * <table>
 * <caption>Examples per split and group</caption>
 * <tr><th>group</th><th>label</th><th>train</th><th>test</th></tr>
 * <tr><td>easy-ham-1</td><td>0</td><td>1978</td><td>494</td></tr>
 * <tr><td>easy-ham-2</td><td>0</td><td>1110</td><td>278</td></tr>
 * <tr><td>hard-ham-1</td><td>0</td><td>198</td><td>50</td></tr>
 * <tr><td>spam-1</td><td>1</td><td>382</td><td>96</td></tr>
 * <tr><td>spam-2</td><td>1</td><td>1049</td><td>262</td></tr>
 * <tr><td>all</td><td></td><td>4717 (3286 ham, 1431 spam)</td><td>1180 (822 ham, 358 spam)</td></tr>
 * </table>
 */
public final class SpamAssassin {

    /** Class path of the bundled resource (gzip-compressed UTF-8 TSV with a header line). */
    public static final String RESOURCE = "/org/edp4j/data/spam-assassin.tsv.gz";

    /** Class names: label 0 is {@code "ham"}, label 1 is {@code "spam"}. */
    public static final List<String> CLASS_NAMES = List.of("ham", "spam");

    /** Label of non-spam email. */
    public static final int HAM = 0;

    /** Label of spam email. */
    public static final int SPAM = 1;

    /** Number of training examples in the bundled resource. */
    public static final int TRAIN_SIZE = 4717;

    /** Number of test examples in the bundled resource. */
    public static final int TEST_SIZE = 1180;

    /** The header line of the resource. */
    static final String HEADER = "split\tlabel\tgroup\tid\tsubject\tbody";

    /** Source groups and their labels. */
    private static final Map<String, Integer> GROUP_LABELS = Map.of(
            "easy-ham-1", HAM, "easy-ham-2", HAM, "hard-ham-1", HAM, "spam-1", SPAM, "spam-2", SPAM);

    private static DatasetSplits cached;

    private SpamAssassin() {
    }

    /**
     * Loads the bundled corpus. The first call reads and parses the resource (about 7 MB of text);
     * later calls return the same immutable result.
     *
     * @return the train and test splits, examples in resource order (by group, then file number)
     * @throws IllegalStateException if the resource is missing from the class path, or is corrupt
     *                               (bad gzip, bad UTF-8, malformed line, or counts other than
     *                               {@link #TRAIN_SIZE} and {@link #TEST_SIZE})
     */
    public static synchronized DatasetSplits load() {
        if (cached == null) {
            InputStream in = SpamAssassin.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new IllegalStateException("The bundled SpamAssassin corpus " + RESOURCE
                        + " is not on the class path; rebuild edp4j-core or run data/spam-assassin/prepare.sh");
            }
            DatasetSplits splits = read(in);
            if (splits.train().size() != TRAIN_SIZE || splits.test().size() != TEST_SIZE) {
                throw new IllegalStateException("The bundled SpamAssassin corpus " + RESOURCE
                        + " is corrupt: expected " + TRAIN_SIZE + " train and " + TEST_SIZE
                        + " test examples, got " + splits.train().size() + " and " + splits.test().size());
            }
            cached = splits;
        }
        return cached;
    }

    /**
     * Parses a corpus in the bundled format: gzip-compressed UTF-8, a header line
     * {@value #HEADER}, then one line per email with six tab-separated fields. Fields never contain
     * tabs or line breaks (the preprocessing collapses all whitespace). The stream is closed.
     *
     * @param gzipped the gzip-compressed TSV; not null; closed by this method
     * @return the train and test splits, in stream order
     * @throws IllegalStateException if the stream is not valid gzip or UTF-8 or a line is malformed;
     *                               the message gives the line number
     */
    public static DatasetSplits read(InputStream gzipped) {
        Objects.requireNonNull(gzipped, "gzipped");
        List<TextExample> train = new ArrayList<>();
        List<TextExample> test = new ArrayList<>();
        int lineNo = 0;
        try (InputStream raw = gzipped;
             GZIPInputStream gz = new GZIPInputStream(raw, 1 << 16);
             Lines lines = new Lines(gz)) {
            String line = lines.next(1);
            lineNo = 1;
            if (!HEADER.equals(line)) {
                String expected = "expected header '" + HEADER.replace("\t", "\\t") + "'";
                throw corrupt(lineNo, line == null ? "no lines, " + expected : expected);
            }
            while ((line = lines.next(lineNo + 1)) != null) {
                lineNo++;
                String[] f = line.split("\t", -1);
                if (f.length != 6) {
                    throw corrupt(lineNo, "expected 6 tab-separated fields, got " + f.length);
                }
                Integer groupLabel = GROUP_LABELS.get(f[2]);
                if (groupLabel == null) {
                    throw corrupt(lineNo, "unknown group '" + f[2] + "'");
                }
                if (!f[1].equals(groupLabel.toString())) {
                    throw corrupt(lineNo, "label of group " + f[2] + " must be " + groupLabel + ", got '" + f[1] + "'");
                }
                String text = f[4].isEmpty() ? f[5] : f[5].isEmpty() ? f[4] : f[4] + " " + f[5];
                TextExample example = new TextExample(text, groupLabel, f[2], f[3]);
                switch (f[0]) {
                    case "train" -> train.add(example);
                    case "test" -> test.add(example);
                    default -> throw corrupt(lineNo, "split must be 'train' or 'test', got '" + f[0] + "'");
                }
            }
        } catch (EOFException e) {
            throw new IllegalStateException(message(lineNo + 1, "the gzip data is empty or cut short"),
                    new UncheckedIOException(e));
        } catch (IOException e) {
            throw new IllegalStateException(message(lineNo + 1, "unreadable gzip data ("
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")"),
                    new UncheckedIOException(e));
        }
        return new DatasetSplits(TextDataset.of(train, CLASS_NAMES), TextDataset.of(test, CLASS_NAMES));
    }

    /**
     * The lines of a UTF-8 stream, each decoded on its own, so that invalid UTF-8 is reported on the
     * line that holds it (a reader decodes a whole buffer ahead of the line it returns). A line ends
     * at {@code \n}; a {@code \r} before it is dropped.
     */
    private static final class Lines implements AutoCloseable {
        private final InputStream in;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final byte[] chunk = new byte[1 << 16];
        private int pos;
        private int limit;
        private byte[] line = new byte[4096];

        Lines(InputStream in) {
            this.in = in;
        }

        /** The next line, or null at the end; {@code lineNo} is its number, for the error message. */
        String next(int lineNo) throws IOException {
            int n = 0;
            boolean ended = false;
            while (!ended) {
                if (pos == limit) {
                    limit = in.read(chunk);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (n == 0) {
                            return null;
                        }
                        break;
                    }
                }
                int start = pos;
                while (pos < limit && chunk[pos] != '\n') {
                    pos++;
                }
                int len = pos - start;
                if (n + len > line.length) {
                    line = Arrays.copyOf(line, Math.max(2 * line.length, n + len));
                }
                System.arraycopy(chunk, start, line, n, len);
                n += len;
                if (pos < limit) {
                    pos++; // the '\n'
                    ended = true;
                }
            }
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            try {
                return decoder.reset().decode(ByteBuffer.wrap(line, 0, n)).toString();
            } catch (CharacterCodingException e) {
                throw corrupt(lineNo, "invalid UTF-8");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static IllegalStateException corrupt(int lineNo, String what) {
        return new IllegalStateException(message(lineNo, what));
    }

    private static String message(int lineNo, String what) {
        return "SpamAssassin corpus is corrupt at line " + lineNo + ": " + what;
    }
}
