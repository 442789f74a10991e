package org.edp4j.cli.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.edp4j.data.SpamAssassin;

/**
 * Where a run's texts come from and how they become token ids: the bundled corpus or the user's
 * files, and the vocabulary choice with its share of the privacy budget. Part of {@link TrainConfig}
 * (a checkpoint must match it).
 *
 * @param train the training file as given, or {@code ""} for the bundled SpamAssassin corpus
 * @param test the test file, or {@code ""} (then {@code testFraction} of the training file is held out;
 *     the bundled corpus has its own test split)
 * @param testFraction the held-out fraction of the training file, in (0, 1) (unused with a test file
 *     or the bundled corpus)
 * @param textColumn the text column (CSV, TSV) or field (JSON Lines)
 * @param labelColumn the label column or field
 * @param vocabulary {@value #DP} (a differentially private vocabulary), {@code hashed:V} (feature
 *     hashing into V ids), or the path of a public vocabulary file (one token per line)
 * @param vocabShare for {@value #DP}: the share of the target epsilon the vocabulary may spend
 *     alone, in (0, 1)
 * @param vocabTokensPerDocument for {@value #DP}: the most distinct tokens one document contributes
 *     ({@code k}), &gt;= 1
 * @param vocabBuckets for {@value #DP} and a file: tokens outside the vocabulary are hashed into this
 *     many extra ids (0: they all become UNK); data-independent, so no epsilon
 * @param corpusSize training examples available (before {@code --max-train}), &gt;= 2
 * @param counterfactualPairs {@code ""}: no augmentation; else {@code --counterfactual-augment}'s word
 *     pairs, {@value #BUNDLED_PAIRS} (the bundled gender lexicon) or the {@code --pairs} file: each
 *     training example is trained with its swapped copy as one privacy unit of two rows
 */
public record DataSpec(String train, String test, double testFraction, String textColumn, String labelColumn,
        String vocabulary, double vocabShare, int vocabTokensPerDocument, int vocabBuckets, int corpusSize,
        String counterfactualPairs) {

    /** The differentially private vocabulary. */
    public static final String DP = "dp";
    /** Prefix of feature hashing. */
    public static final String HASHED = "hashed:";
    /**
     * Default share of the target epsilon the private vocabulary spends alone. Measured on the
     * bundled corpus (docs/train.md): the RDP composition makes its cost to the total far smaller.
     */
    public static final double DEFAULT_VOCAB_SHARE = 0.2;
    /** Default k: distinct tokens one document contributes to the private vocabulary. */
    public static final int DEFAULT_TOKENS_PER_DOCUMENT = 64;
    /** Share of delta given to the private vocabulary's threshold (its failure probability p). */
    public static final double VOCAB_DELTA_SHARE = 0.1;
    /** Default number of hash buckets for the tokens outside a dp or file vocabulary. */
    public static final int DEFAULT_VOCAB_BUCKETS = 8000;
    /** Default held-out fraction of a training file without a test file. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    /** {@link #counterfactualPairs()} of {@code --counterfactual-augment} without {@code --pairs}. */
    public static final String BUNDLED_PAIRS = "bundled";

    /** Data without counterfactual augmentation. */
    public DataSpec(String train, String test, double testFraction, String textColumn, String labelColumn,
            String vocabulary, double vocabShare, int vocabTokensPerDocument, int vocabBuckets, int corpusSize) {
        this(train, test, testFraction, textColumn, labelColumn, vocabulary, vocabShare, vocabTokensPerDocument,
                vocabBuckets, corpusSize, "");
    }

    /** The bundled corpus with the given vocabulary choice. */
    public static DataSpec bundled(String vocabulary, double vocabShare, int k) {
        return new DataSpec("", "", DEFAULT_TEST_FRACTION, "text", "label", vocabulary, vocabShare, k,
                DEFAULT_VOCAB_BUCKETS, SpamAssassin.TRAIN_SIZE);
    }

    /** The bundled corpus with the default private vocabulary (what {@code edp train} runs without options). */
    public static DataSpec bundled() {
        return bundled(DP, DEFAULT_VOCAB_SHARE, DEFAULT_TOKENS_PER_DOCUMENT);
    }

    /** @throws IllegalArgumentException naming the option and its legal range */
    public DataSpec {
        require(train != null && test != null && textColumn != null && labelColumn != null && vocabulary != null,
                "a data option is missing");
        require(train.isEmpty() ? test.isEmpty() : true, "--test needs --train (the bundled corpus has its own test split)");
        require(testFraction > 0 && testFraction < 1, "--test-fraction must be in (0, 1), got " + testFraction);
        require(!textColumn.isEmpty() && !labelColumn.isEmpty() && !textColumn.equals(labelColumn),
                "--text-column and --label-column must be two different non-empty names");
        require(!vocabulary.isEmpty(), "--vocabulary must be dp, hashed:V or a file");
        if (vocabulary.startsWith(HASHED)) {
            hashedSize(vocabulary);
        }
        require(vocabShare > 0 && vocabShare < 1, "--vocab-share must be in (0, 1), got " + vocabShare);
        require(vocabTokensPerDocument >= 1, "--vocab-tokens-per-document must be >= 1, got " + vocabTokensPerDocument);
        require(vocabBuckets >= 0 && vocabBuckets <= 10_000_000, "--vocab-buckets must be in [0, 10000000], got "
                + vocabBuckets);
        require(corpusSize >= 2, "the training set must have at least 2 examples, got " + corpusSize);
        require(counterfactualPairs != null, "a data option is missing");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return the V of {@code hashed:V} */
    static int hashedSize(String vocabulary) {
        int v;
        try {
            v = Integer.parseInt(vocabulary.substring(HASHED.length()));
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < 3) {
            throw new IllegalArgumentException("--vocabulary hashed:V needs an integer V >= 3, got '" + vocabulary + "'");
        }
        return v;
    }

    /** @return whether the vocabulary is selected with differential privacy (and spends epsilon) */
    public boolean privateVocabulary() {
        return DP.equals(vocabulary);
    }

    /** @return whether tokens are hashed */
    public boolean hashed() {
        return vocabulary.startsWith(HASHED);
    }

    /** @return whether each training example is trained with its counterfactual copy */
    public boolean counterfactualAugment() {
        return !counterfactualPairs.isEmpty();
    }

    /** Rows of a batch per privacy unit: 2 with counterfactual augmentation (the example and its copy), else 1. */
    public int rowsPerUnit() {
        return counterfactualAugment() ? 2 : 1;
    }

    /** The same data with counterfactual augmentation by these pairs ({@value #BUNDLED_PAIRS} or a file), or none (""). */
    public DataSpec withCounterfactualPairs(String pairs) {
        return new DataSpec(train, test, testFraction, textColumn, labelColumn, vocabulary, vocabShare,
                vocabTokensPerDocument, vocabBuckets, corpusSize, pairs);
    }

    /** @return whether the run reads the bundled corpus */
    public boolean isBundled() {
        return train.isEmpty();
    }

    /** The same data with another corpus size (known once the files are read). */
    public DataSpec withCorpusSize(int n) {
        return new DataSpec(train, test, testFraction, textColumn, labelColumn, vocabulary, vocabShare,
                vocabTokensPerDocument, vocabBuckets, n, counterfactualPairs);
    }

    /** The fields as key/value text. */
    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train", train);
        m.put("test", test);
        m.put("test-fraction", Double.toString(testFraction));
        m.put("text-column", textColumn);
        m.put("label-column", labelColumn);
        m.put("vocabulary", vocabulary);
        m.put("vocab-share", Double.toString(vocabShare));
        m.put("vocab-tokens-per-document", Integer.toString(vocabTokensPerDocument));
        m.put("vocab-buckets", Integer.toString(vocabBuckets));
        m.put("corpus-size", Integer.toString(corpusSize));
        m.put("counterfactual-augment", counterfactualPairs);
        return m;
    }

    /**
     * From {@link #toMap()}; a checkpoint written before these keys existed is the bundled corpus with
     * a vocabulary fitted on the training split, which this version no longer makes: its
     * {@code vocabulary} reads as {@code fitted}.
     */
    static DataSpec fromMap(Map<String, String> m) {
        if (!m.containsKey("vocabulary")) {
            return new DataSpec("", "", DEFAULT_TEST_FRACTION, "text", "label", "fitted", DEFAULT_VOCAB_SHARE,
                    DEFAULT_TOKENS_PER_DOCUMENT, 0, SpamAssassin.TRAIN_SIZE);
        }
        return new DataSpec(m.get("train"), m.get("test"), Double.parseDouble(m.get("test-fraction")),
                m.get("text-column"), m.get("label-column"), m.get("vocabulary"), Double.parseDouble(m.get("vocab-share")),
                Integer.parseInt(m.get("vocab-tokens-per-document")), Integer.parseInt(m.get("vocab-buckets")),
                Integer.parseInt(m.get("corpus-size")), m.getOrDefault("counterfactual-augment", ""));
    }
}
