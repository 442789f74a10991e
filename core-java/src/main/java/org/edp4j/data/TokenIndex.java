package org.edp4j.data;

/**
 * Maps tokens to ids in {@code [0, size())}, with the two reserved ids of {@link Vocabulary}:
 * {@link Vocabulary#PAD} = 0 fills a row after its last token, {@link Vocabulary#UNK} = 1 stands for
 * a token without an id of its own. An {@link Encoder} turns texts into rows of these ids.
 *
 * <p>Two kinds: a {@link Vocabulary} (a list of tokens, each with its own id; fitted to data, read
 * from a file, or selected with differential privacy by {@link DpVocabulary}) and a
 * {@link HashedVocabulary} (feature hashing: every token has an id, computed from the token alone,
 * so nothing about the data is released and no privacy budget is spent).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface TokenIndex permits Vocabulary, HashedVocabulary, VocabularyWithBuckets {

    /** @return the number of ids, reserved ones included; ids are {@code 0 .. size() - 1} */
    int size();

    /**
     * @param token the token; not null
     * @return its id in {@code [0, size())}
     * @throws NullPointerException if token is null
     */
    int id(String token);
}
