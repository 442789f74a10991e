package org.edp4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edp4j.dp.noise.GaussianNoise;
import org.edp4j.privacy.PartitionSelection;

/**
 * A differentially private vocabulary: Gaussian-weighted partition selection ("set union", Gopi et
 * al. 2020). Only tokens that many documents share are selected, so the vocabulary released with a
 * model says nothing a DP guarantee does not cover. The guarantee, and how it composes with DP-SGD,
 * is {@link PartitionSelection}'s theorem.
 *
 * <h2>Algorithm</h2>
 * <ol>
 * <li><b>Contribution.</b> Each document contributes its distinct tokens ({@link Vocabulary#PAD_TOKEN}
 *     and {@link Vocabulary#UNK_TOKEN} left out); when it has more than {@code k}, the {@code k} with
 *     the smallest {@code mix(h_doc, h_token)} are kept, where {@code h_doc} hashes the document's
 *     sorted distinct tokens: a pseudo-random subset that is a function of the document alone (so one
 *     document never changes what another contributes). With {@code t} tokens kept, each gets weight
 *     {@code 1/sqrt(t)}: one document moves the vector of counts by at most 1 in L2 norm.</li>
 * <li><b>Noise.</b> Every token with a positive weighted count (and only those) gets
 *     {@code sigma * z}, {@code z} a standard normal from the secure generator's
 *     {@link GaussianNoise#VOCABULARY} stream, step 0, element = the token's rank in
 *     {@link String#compareTo} order.</li>
 * <li><b>Threshold.</b> Tokens whose noisy count exceeds
 *     {@code rho = PartitionSelection.threshold(k, sigma, p)} are selected; the vocabulary is
 *     {@code PAD}, {@code UNK}, then the selected tokens by decreasing noisy count (ties in
 *     {@link String#compareTo} order), at most {@code maxSize} ids in all.</li>
 * </ol>
 * A token used by one document alone is selected with probability at most {@code p}; a token in
 * {@code n} documents that each contribute {@code t} tokens has count {@code n / sqrt(t)} and is
 * selected once that clears {@code rho} by a few {@code sigma}.
 *
 * <pre>{@code
 * List<List<String>> docs = Tokenizer.standard().tokenizeAll(train);
 * double sigma = PartitionSelection.noiseFor(0.3, 1e-5, 1e-6);         // the selection alone: (0.3, 1e-5)-DP
 * DpVocabulary.Selection s = DpVocabulary.select(docs, 32, sigma, 1e-6, 8000, GaussianNoise.secure());
 * Encoder enc = Encoder.of(Tokenizer.standard(), s.vocabulary(), 256);
 * }</pre>
 */
public final class DpVocabulary {

    private DpVocabulary() {
    }

    /**
     * The outcome of a selection.
     *
     * @param vocabulary the selected vocabulary
     * @param maxTokensPerDocument {@code k}
     * @param sigma the noise standard deviation of each count
     * @param failureProbability {@code p}, the bound on selecting a token of one document
     * @param threshold {@code rho}
     * @param candidates tokens with a positive count (that got noise); private, not to be released
     */
    public record Selection(Vocabulary vocabulary, int maxTokensPerDocument, double sigma, double failureProbability,
            double threshold, int candidates) {
    }

    /**
     * Selects a vocabulary with differential privacy (class javadoc).
     *
     * @param tokenizedDocs the private documents, each a list of tokens; not null, no null element; not
     *     modified
     * @param maxTokensPerDocument {@code k}, the most distinct tokens one document contributes, {@code >= 1}
     * @param sigma the noise standard deviation of each count, {@code > 0} and finite
     * @param failureProbability {@code p} in {@code (0, 1)}: the threshold makes the probability that
     *     a token of one document alone is selected at most p
     * @param maxSize the largest vocabulary, {@code PAD} and {@code UNK} included, {@code >= 2}
     * @param noise the generator (secure for a private run); its {@link GaussianNoise#VOCABULARY}
     *     stream, step 0, is read
     * @return the vocabulary and the mechanism's parameters
     * @throws IllegalArgumentException for an argument out of range
     * @throws NullPointerException if a document, token or the generator is null
     */
    public static Selection select(List<? extends List<String>> tokenizedDocs, int maxTokensPerDocument,
            double sigma, double failureProbability, int maxSize, GaussianNoise noise) {
        Objects.requireNonNull(noise, "noise");
        if (maxSize < Vocabulary.RESERVED) {
            throw new IllegalArgumentException("maxSize must be >= 2 (PAD and UNK are included), got " + maxSize);
        }
        double rho = PartitionSelection.threshold(maxTokensPerDocument, sigma, failureProbability);
        Map<String, Double> counts = weightedCounts(tokenizedDocs, maxTokensPerDocument);
        List<String> candidates = new ArrayList<>(counts.keySet());
        candidates.sort(null);
        double[] z = new double[candidates.size()];
        noise.fillNormals(GaussianNoise.VOCABULARY, 0, 0, z, 0, z.length, sigma);
        List<Integer> kept = new ArrayList<>();
        double[] noisy = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            noisy[i] = counts.get(candidates.get(i)) + z[i];
            if (noisy[i] > rho) {
                kept.add(i);
            }
        }
        kept.sort((a, b) -> {
            int c = Double.compare(noisy[b], noisy[a]);
            return c != 0 ? c : candidates.get(a).compareTo(candidates.get(b));
        });
        List<String> tokens = new ArrayList<>();
        tokens.add(Vocabulary.PAD_TOKEN);
        tokens.add(Vocabulary.UNK_TOKEN);
        for (int i = 0; i < kept.size() && tokens.size() < maxSize; i++) {
            tokens.add(candidates.get(kept.get(i)));
        }
        return new Selection(Vocabulary.of(tokens), maxTokensPerDocument, sigma, failureProbability, rho,
                candidates.size());
    }

    /**
     * The weighted count of every token: the sum over documents of {@code 1/sqrt(t)} for each document
     * whose {@link #contribution contribution} ({@code t} tokens) holds it.
     */
    static Map<String, Double> weightedCounts(List<? extends List<String>> tokenizedDocs, int k) {
        Objects.requireNonNull(tokenizedDocs, "tokenizedDocs");
        Map<String, Double> counts = new HashMap<>();
        for (List<String> doc : tokenizedDocs) {
            List<String> s = contribution(doc, k);
            double w = 1 / Math.sqrt(s.size());
            for (String token : s) {
                counts.merge(token, w, Double::sum);
            }
        }
        return counts;
    }

    /**
     * The distinct tokens one document contributes: all of them when at most {@code k}, else the
     * {@code k} with the smallest {@code mix(h_doc ^ h_token)}, a function of the document alone.
     *
     * @param doc the document's tokens; not null, no null token; not modified
     * @param k the most tokens kept, {@code >= 1}
     * @return at most k distinct tokens, in order of first occurrence
     */
    static List<String> contribution(List<String> doc, int k) {
        Objects.requireNonNull(doc, "tokenizedDocs contains a null document");
        if (k < 1) {
            throw new IllegalArgumentException("maxTokensPerDocument must be >= 1, got " + k);
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String token : doc) {
            Objects.requireNonNull(token, "tokenizedDocs contains a null token");
            if (!token.equals(Vocabulary.PAD_TOKEN) && !token.equals(Vocabulary.UNK_TOKEN)) {
                distinct.add(token);
            }
        }
        List<String> all = new ArrayList<>(distinct);
        if (all.size() <= k) {
            return all;
        }
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(null);
        long docHash = 0x9E3779B97F4A7C15L;
        for (String t : sorted) {
            docHash = HashedVocabulary.mix(docHash ^ HashedVocabulary.hash(t));
        }
        long[] keys = new long[all.size()];
        Integer[] order = new Integer[all.size()];
        for (int i = 0; i < all.size(); i++) {
            keys[i] = HashedVocabulary.mix(docHash ^ HashedVocabulary.hash(all.get(i)));
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
        boolean[] keep = new boolean[all.size()];
        for (int i = 0; i < k; i++) {
            keep[order[i]] = true;
        }
        List<String> out = new ArrayList<>(k);
        for (int i = 0; i < all.size(); i++) {
            if (keep[i]) {
                out.add(all.get(i));
            }
        }
        return out;
    }
}
