package org.edp4j.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edp4j.data.HashedVocabulary;
import org.edp4j.data.TokenIndex;
import org.edp4j.data.Tokenizer;
import org.edp4j.data.Vocabulary;
import org.edp4j.data.VocabularyWithBuckets;
import org.edp4j.io.ChecksummedFile;
import org.edp4j.nn.Parameter;
import org.edp4j.nn.Sequential;

/**
 * A trained text classifier as one file: everything needed to classify a text the way the model was
 * trained, and the privacy report that covers it. No secret: the noise key is never in it (a
 * training checkpoint holds the key; a saved model is what one publishes).
 *
 * <h2>File format (version 1; a {@link ChecksummedFile}, big-endian, SHA-256 at the end)</h2>
 * <pre>
 * bytes[8]  magic "EDP4JMDL"
 * int       format version (1)
 * map       header: format=edp4j-text-classifier, model=bag|encoder, vocab, max-len, dim, hidden, layers,
 *           heads, classes, tokenizer=standard, max-token-length, token-index=vocabulary|hashed|vocabulary+buckets
 *           (then also buckets)
 * lines     label names, index = class
 * lines     the vocabulary, index = id ("&lt;pad&gt;", "&lt;unk&gt;", ...); no line for a hashed index
 * map       privacy report ({@link PrivacyReport#toMap()})
 * int n; n x (text name, floats values)      parameters in the model's order ({@link Sequential#parameters()})
 * bytes[32] SHA-256 of every byte above
 * </pre>
 * The tokenizer is {@link Tokenizer} with the stored maximum token length; a hashed index is
 * {@link HashedVocabulary} of size {@code vocab}, whose hash is specified there; a vocabulary with
 * buckets is {@link VocabularyWithBuckets} (the listed tokens, then {@code buckets} hashed ids).
 *
 * <p>{@link #save} writes atomically (a temporary file, forced, then moved into place). {@link #load}
 * is strict: a missing file, another format (magic), another version, a checksum mismatch (a flipped
 * byte, a truncated file) or a file whose parts disagree (parameter sizes, label count, vocabulary
 * size) is a {@link ModelFileException} that names the file and the problem.
 *
 * @param shape the architecture
 * @param tokenizer the tokenizer
 * @param tokenIndex the token ids: a {@link Vocabulary} or a {@link HashedVocabulary}
 * @param labels the class names, index = class, distinct, without line breaks
 * @param privacy the privacy report
 * @param parameterNames one name per parameter, for people
 * @param parameters the parameter values, in {@link Sequential#parameters()} order
 */
public record SavedModel(ModelShape shape, Tokenizer tokenizer, TokenIndex tokenIndex, List<String> labels,
        PrivacyReport privacy, List<String> parameterNames, List<float[]> parameters) {

    /** The magic of a saved model. */
    static final byte[] MAGIC = "EDP4JMDL".getBytes(StandardCharsets.US_ASCII);
    /** The format version written and read. */
    public static final int VERSION = 1;
    /** The file name extension {@code edp train --save} suggests. */
    public static final String EXTENSION = ".edp";

    /**
     * Checks that the parts agree: one label per class, the index's size is the embedding's, one
     * value array per parameter of a model of this shape with the same sizes.
     *
     * @throws IllegalArgumentException naming what disagrees
     */
    public SavedModel {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(tokenIndex, "tokenIndex");
        Objects.requireNonNull(privacy, "privacy");
        labels = List.copyOf(labels);
        parameterNames = List.copyOf(parameterNames);
        parameters = List.copyOf(parameters);
        if (labels.size() != shape.classes()) {
            throw new IllegalArgumentException("the model has " + shape.classes() + " classes but " + labels.size()
                    + " label names");
        }
        if (new HashSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("label names must be distinct, got " + labels);
        }
        for (String l : labels) {
            if (l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a label name must not contain a line break: '" + l + "'");
            }
        }
        if (tokenIndex.size() != shape.vocab()) {
            throw new IllegalArgumentException("the token index has " + tokenIndex.size() + " ids, the embedding "
                    + shape.vocab());
        }
        if (parameterNames.size() != parameters.size()) {
            throw new IllegalArgumentException(parameterNames.size() + " parameter names for " + parameters.size()
                    + " parameters");
        }
    }

    /**
     * The saved form of a trained model.
     *
     * @param model the trained model, of {@code shape}; its parameters are copied, not modified
     * @return the saved model
     * @throws IllegalArgumentException if the model's parameters do not fit the shape
     */
    public static SavedModel of(ModelShape shape, Tokenizer tokenizer, TokenIndex tokenIndex, List<String> labels,
            PrivacyReport privacy, Sequential model) {
        List<String> names = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        List<Parameter> ps = model.parameters();
        for (int i = 0; i < ps.size(); i++) {
            names.add(i + ":" + ps.get(i));
            values.add(ps.get(i).value().toArray());
        }
        SavedModel m = new SavedModel(shape, tokenizer, tokenIndex, labels, privacy, names, values);
        m.checkFits(shape.build(org.edp4j.tensor.CpuBackend.instance()));
        return m;
    }

    /** @throws IllegalArgumentException unless {@code model} has exactly these parameter sizes */
    void checkFits(Sequential model) {
        List<Parameter> ps = model.parameters();
        if (ps.size() != parameters.size()) {
            throw new IllegalArgumentException("a " + shape.kind() + " of this shape has " + ps.size()
                    + " parameters, the file " + parameters.size());
        }
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).size() != parameters.get(i).length) {
                throw new IllegalArgumentException("parameter " + i + " (" + ps.get(i) + ") has " + ps.get(i).size()
                        + " values in a model of this shape, " + parameters.get(i).length + " in the file");
            }
        }
    }

    /** @return the file's bytes */
    public byte[] encode() {
        ChecksummedFile.Writer w = new ChecksummedFile.Writer(MAGIC, VERSION);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("format", "edp4j-text-classifier");
        h.putAll(shape.toMap());
        h.put("tokenizer", "standard");
        h.put("max-token-length", Integer.toString(tokenizer.maxTokenLength()));
        if (tokenIndex instanceof VocabularyWithBuckets b) {
            h.put("token-index", "vocabulary+buckets");
            h.put("buckets", Integer.toString(b.buckets()));
        } else {
            h.put("token-index", tokenIndex instanceof HashedVocabulary ? "hashed" : "vocabulary");
        }
        w.map(h);
        w.lines(labels);
        w.lines(tokenIndex instanceof Vocabulary v ? v.tokens()
                : tokenIndex instanceof VocabularyWithBuckets b ? b.base().tokens() : List.of());
        w.map(privacy.toMap());
        w.writeInt(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            w.text(parameterNames.get(i));
            w.floats(parameters.get(i));
        }
        return w.toBytes();
    }

    /**
     * Writes the model to {@code file} atomically (the parent directory must exist).
     *
     * @throws IOException when it cannot be written; nothing is left at {@code file} then
     */
    public void save(Path file) throws IOException {
        ChecksummedFile.writeAtomically(file, encode(), false);
    }

    /**
     * Reads and checks a model file.
     *
     * @param file the file
     * @return the model
     * @throws ModelFileException naming the file and what is wrong (class javadoc)
     */
    public static SavedModel load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file + ": no such file; expected a model saved by edp train --save");
        } catch (IOException e) {
            throw new ModelFileException(file + ": cannot read: " + e.getMessage());
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes a model file's bytes.
     *
     * @param bytes the bytes; not modified
     * @param name the file name for messages
     * @throws ModelFileException naming the file and what is wrong
     */
    public static SavedModel decode(byte[] bytes, String name) {
        try {
            ChecksummedFile.Reader in = ChecksummedFile.Reader.open(bytes, MAGIC, VERSION);
            Map<String, String> h = in.map();
            if (!"edp4j-text-classifier".equals(h.get("format"))) {
                throw new IllegalArgumentException("format is '" + h.get("format") + "', expected edp4j-text-classifier");
            }
            ModelShape shape = ModelShape.fromMap(h);
            if (!"standard".equals(h.get("tokenizer"))) {
                throw new IllegalArgumentException("unknown tokenizer '" + h.get("tokenizer") + "'");
            }
            Tokenizer tok = Tokenizer.withMaxTokenLength(getInt(h, "max-token-length"));
            List<String> labels = in.lines();
            List<String> vocab = in.lines();
            TokenIndex index = switch (get(h, "token-index")) {
                case "hashed" -> HashedVocabulary.of(shape.vocab());
                case "vocabulary" -> Vocabulary.of(vocab);
                case "vocabulary+buckets" -> VocabularyWithBuckets.of(Vocabulary.of(vocab), getInt(h, "buckets"));
                default -> throw new IllegalArgumentException("unknown token-index '" + h.get("token-index") + "'");
            };
            PrivacyReport privacy = PrivacyReport.fromMap(in.map());
            int n = in.readInt();
            if (n < 0 || n > 10_000) {
                throw new IllegalArgumentException("parameter count " + n + " is out of range");
            }
            List<String> names = new ArrayList<>();
            List<float[]> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                names.add(in.text());
                values.add(in.floats());
            }
            in.end();
            SavedModel m = new SavedModel(shape, tok, index, labels, privacy, names, values);
            m.checkFits(shape.build(org.edp4j.tensor.CpuBackend.instance()));
            return m;
        } catch (ChecksummedFile.FormatException e) {
            throw new ModelFileException(name + ": " + switch (e.kind()) {
                case FOREIGN -> "not an edp4j model file (bad magic or too short); expected a file saved by edp train --save";
                case CORRUPT -> "corrupt (SHA-256 checksum mismatch: a changed byte or a truncated file)";
                case VERSION -> "model format version " + e.version() + ", this edp4j reads version " + VERSION;
                case TRUNCATED -> "truncated";
                case MALFORMED -> "malformed: " + e.getMessage();
            });
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name + ": malformed: " + e.getMessage());
        }
    }

    static String get(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("lacks '" + key + "'");
        }
        return v;
    }

    static int getInt(Map<String, String> m, String key) {
        try {
            return Integer.parseInt(get(m, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not an integer: " + m.get(key));
        }
    }

    static long getLong(Map<String, String> m, String key) {
        try {
            return Long.parseLong(get(m, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not an integer: " + m.get(key));
        }
    }

    static double getDouble(Map<String, String> m, String key) {
        try {
            return Double.parseDouble(get(m, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not a number: " + m.get(key));
        }
    }
}
