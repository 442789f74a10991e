package org.edp4j.data;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Feature hashing: every token gets an id computed from the token alone, so the mapping depends on
 * no data and releases nothing about it (no privacy budget is spent on it). Distinct tokens may
 * share an id (a collision); with {@code B = size() - 2} buckets and {@code m} distinct tokens in
 * use, a token shares its bucket with about {@code m / B} others.
 *
 * <h2>The hash (normative: a saved model stores only {@code size()})</h2>
 * <pre>
 * h  = FNV-1a 64 of the token's UTF-8 bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
 * h ^= h >>> 33; h *= 0xff51afd7ed558ccd; h ^= h >>> 33; h *= 0xc4ceb9fe1a85ec53; h ^= h >>> 33
 *                                                      (MurmurHash3's fmix64, to spread the low bits)
 * id = 2 + floorMod(h, size() - 2)
 * </pre>
 * Ids 0 ({@link Vocabulary#PAD}) and 1 ({@link Vocabulary#UNK}) are never produced for a token.
 *
 * <pre>{@code
 * HashedVocabulary h = HashedVocabulary.of(8000);
 * h.id("free");    // in [2, 8000), the same on every JVM
 * }</pre>
 */
public final class HashedVocabulary implements TokenIndex {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final int size;

    private HashedVocabulary(int size) {
        this.size = size;
    }

    /**
     * @param size the number of ids, the two reserved ones included, {@code >= 3}
     * @return feature hashing into {@code size - 2} buckets
     * @throws IllegalArgumentException if size is less than 3
     */
    public static HashedVocabulary of(int size) {
        if (size < 3) {
            throw new IllegalArgumentException("size must be >= 3 (PAD, UNK and at least one bucket), got " + size);
        }
        return new HashedVocabulary(size);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int id(String token) {
        return Vocabulary.RESERVED + (int) Math.floorMod(hash(Objects.requireNonNull(token, "token")),
                (long) (size - Vocabulary.RESERVED));
    }

    /** The 64-bit hash of the class javadoc (FNV-1a 64 of the UTF-8 bytes, then fmix64). */
    static long hash(String token) {
        long h = FNV_OFFSET;
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return mix(h);
    }

    /** MurmurHash3's fmix64 finalizer. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashedVocabulary h && h.size == size;
    }

    @Override
    public int hashCode() {
        return size;
    }

    @Override
    public String toString() {
        return "HashedVocabulary[size=" + size + "]";
    }
}
