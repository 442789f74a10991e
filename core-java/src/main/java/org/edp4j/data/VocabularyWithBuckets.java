package org.edp4j.data;

import java.util.Objects;

/**
 * A vocabulary whose unknown tokens are hashed into buckets instead of all becoming
 * {@link Vocabulary#UNK}: a token of the vocabulary has its id there, any other token gets
 * {@code base.size() + floorMod(h, buckets)} with {@code h} the hash of {@link HashedVocabulary}.
 * The buckets depend on no data, so they release nothing beyond what the base vocabulary does: a
 * private vocabulary ({@link DpVocabulary}) with buckets spends exactly the epsilon of the
 * vocabulary alone, and the model still sees the rare tokens the private selection could not keep
 * (sharing each bucket with others).
 *
 * <pre>{@code
 * TokenIndex ids = VocabularyWithBuckets.of(dpSelection.vocabulary(), 4096);
 * ids.id("free");      // its id in the vocabulary
 * ids.id("zqxv");      // in [vocabulary size, vocabulary size + 4096)
 * }</pre>
 */
public final class VocabularyWithBuckets implements TokenIndex {

    private final Vocabulary base;
    private final int buckets;

    private VocabularyWithBuckets(Vocabulary base, int buckets) {
        this.base = base;
        this.buckets = buckets;
    }

    /**
     * @param base the vocabulary; not null
     * @param buckets the number of buckets for the other tokens, {@code >= 1}
     * @return the index; {@code size() = base.size() + buckets}
     * @throws IllegalArgumentException if buckets is less than 1 or the size overflows an int
     */
    public static VocabularyWithBuckets of(Vocabulary base, int buckets) {
        Objects.requireNonNull(base, "base");
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be >= 1, got " + buckets);
        }
        if ((long) base.size() + buckets > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("base.size() + buckets must fit an int, got " + base.size() + " + "
                    + buckets);
        }
        return new VocabularyWithBuckets(base, buckets);
    }

    /** @return the vocabulary */
    public Vocabulary base() {
        return base;
    }

    /** @return the number of buckets */
    public int buckets() {
        return buckets;
    }

    @Override
    public int size() {
        return base.size() + buckets;
    }

    @Override
    public int id(String token) {
        int id = base.id(Objects.requireNonNull(token, "token"));
        if (id != Vocabulary.UNK || token.equals(Vocabulary.UNK_TOKEN)) {
            return id;
        }
        return base.size() + (int) Math.floorMod(HashedVocabulary.hash(token), (long) buckets);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VocabularyWithBuckets v && v.buckets == buckets && v.base.equals(base);
    }

    @Override
    public int hashCode() {
        return 31 * base.hashCode() + buckets;
    }

    @Override
    public String toString() {
        return "VocabularyWithBuckets[" + base + ", buckets=" + buckets + "]";
    }
}
