package org.edp4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Tensor;
import org.edp4j.tensor.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * The transformer encoder of {@link Models#encoder} (Embedding, PositionEmbedding, Residual
 * blocks with Attention and a GELU feed-forward, LayerNorm, MaskedMeanPool, Linear): loss,
 * per-sample squared norms (flat and per layer) and clipped sums against the float64
 * per-example {@link Reference}, with padding, an all-padding row and T = 1, with the same
 * tolerances as {@link ModelGradientTest}.
 */
class EncoderGradientTest {

    @Property(tries = 30)
    void encoderMatchesTheReference(@ForAll @IntRange(min = 1, max = 4) int capacity,
                                    @ForAll @IntRange(min = 0, max = 4) int count,
                                    @ForAll @IntRange(min = 1, max = 6) int seq,
                                    @ForAll @IntRange(min = 0, max = 2) int extraLen,
                                    @ForAll @IntRange(min = 2, max = 9) int vocab,
                                    @ForAll @IntRange(min = 1, max = 2) int layers,
                                    @ForAll @IntRange(min = 1, max = 2) int heads,
                                    @ForAll @IntRange(min = 2, max = 4) int headDim,
                                    @ForAll @IntRange(min = 1, max = 6) int ffn,
                                    @ForAll @IntRange(min = 0, max = 2) int normMethod,
                                    @ForAll long seed) {
        int real = Math.min(count, capacity);
        // LayerNorm widths >= 3: see ModelGradientTest.sequenceModels.
        int dh = heads * headDim < 3 ? 3 : headDim;
        EncoderConfig config = new EncoderConfig(vocab, seq + extraLen, heads * dh, layers, heads, ffn, 3);
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(seed);
            Sequential model = randomEncoder(be, rng, config, LinearRule.NormMethod.values()[normMethod]);
            int[] tok = new int[real * seq];
            int[][] rows = new int[real][seq];
            int[] y = new int[real];
            for (int i = 0; i < real; i++) {
                // Example 0 is all padding when there are several; the others have 0..T tokens.
                int len = real > 1 && i == 0 ? 0 : rng.nextInt(seq + 1);
                for (int t = 0; t < seq; t++) {
                    int id = t < len ? 1 + rng.nextInt(vocab - 1) : Batch.PAD;
                    tok[i * seq + t] = id;
                    rows[i][t] = id;
                }
                y[i] = rng.nextInt(3);
            }
            try (Batch batch = Batch.tokens(be, capacity, seq, 3)) {
                batch.loadTokens(tok, y, ModelGradientTest.identity(real), real, vocab);
                ModelGradientTest.check(model, batch, Reference.run(model, null, rows, y), real, rng);
            }
        }
    }

    /** Ghost and direct norms of every Linear of an encoder give the same per-sample norms. */
    @Test
    void ghostAndDirectNormsAgree() {
        for (Backend be : TestBackends.all()) {
            SplittableRandom rng = new SplittableRandom(3);
            EncoderConfig config = new EncoderConfig(11, 9, 8, 2, 2, 12, 3);
            Sequential model = randomEncoder(be, rng, config, LinearRule.NormMethod.GHOST);
            int cap = 5;
            int seq = 9;
            int[] tok = new int[cap * seq];
            int[] y = new int[cap];
            for (int i = 0; i < cap; i++) {
                int len = 1 + rng.nextInt(seq);
                for (int t = 0; t < len; t++) {
                    tok[i * seq + t] = 1 + rng.nextInt(10);
                }
                y[i] = rng.nextInt(3);
            }
            try (Batch batch = Batch.tokens(be, cap, seq, 3)) {
                batch.loadTokens(tok, y, ModelGradientTest.identity(cap), cap, 11);
                SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(be);
                loss.forward(model.forward(batch), batch);
                model.backward(loss.gradient(), batch);
                int linears = 0;
                for (Layer l : model.trainableLayers()) {
                    if (!(l instanceof Linear lin)) {
                        continue;
                    }
                    linears++;
                    Tensor ghost = be.zeros(cap);
                    lin.normMethod(LinearRule.NormMethod.GHOST).addSquaredNorms(ghost);
                    Tensor direct = be.zeros(cap);
                    lin.normMethod(LinearRule.NormMethod.DIRECT).addSquaredNorms(direct);
                    float[] g = ghost.toArray();
                    float[] d = direct.toArray();
                    for (int i = 0; i < cap; i++) {
                        assertTrue(g[i] > 0, lin.describe() + " sample " + i + " has a zero norm");
                        assertEquals(g[i], d[i], ModelGradientTest.REL * g[i], lin.describe() + " sample " + i);
                    }
                }
                assertEquals(2 * 4 + 1, linears, "QKV, output and two FFN Linears per block, and the head");
            }
        }
    }

    @Test
    void sequencesLongerThanMaxLenAreRefused() {
        Backend be = TestBackends.all().get(0);
        Sequential model = Models.encoder(be, new SplittableRandom(1), new EncoderConfig(10, 4, 6, 1, 2, 8, 2));
        try (Batch batch = Batch.tokens(be, 2, 5, 2)) {
            batch.loadTokens(new int[] {1, 2, 3, 0, 0, 4, 5, 6, 7, 8}, new int[] {0, 1}, new int[] {0, 1}, 2, 10);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.forward(batch));
            assertTrue(e.getMessage().contains("sequence length 5") && e.getMessage().contains("maxLen 4"),
                    e.getMessage());
        }
    }

    /** Per-layer clipping sees every leaf layer with parameters, not the Residual blocks. */
    @Test
    void clippingGroupsAreTheLeafLayers() {
        Backend be = TestBackends.all().get(0);
        EncoderConfig config = new EncoderConfig(10, 8, 6, 2, 2, 8, 2);
        Sequential model = Models.encoder(be, new SplittableRandom(1), config);
        List<Layer> groups = model.trainableLayers();
        // Embedding, PositionEmbedding, per block 2 x (LayerNorm, Linear, Linear), final LayerNorm, head.
        assertEquals(2 + 6 * config.layers() + 2, groups.size());
        List<Parameter> concatenated = new ArrayList<>();
        for (Layer l : groups) {
            assertFalse(l instanceof Residual, l.describe());
            assertFalse(l.parameters().isEmpty(), l.describe());
            assertEquals(List.of(l), l.clippingGroups(), l.describe());
            concatenated.addAll(l.parameters());
        }
        assertEquals(model.parameters(), concatenated, "groups cover every parameter once, in order");
        assertTrue(groups.get(0) instanceof Embedding && groups.get(1) instanceof PositionEmbedding);
        assertEquals(2 * 6 + (6 * 18 + 18) + (6 * 6 + 6L), ((Residual) model.layers().get(2)).parameters().stream()
                .mapToLong(Parameter::size).sum(), "attention block: LN, QKV and output projections");
    }

    /** An encoder with random LayerNorm parameters (so their gradients are not special) and a small head. */
    static Sequential randomEncoder(Backend be, SplittableRandom rng, EncoderConfig config, LinearRule.NormMethod m) {
        Sequential model = Models.encoder(be, rng, config);
        for (Layer l : model.trainableLayers()) {
            if (l instanceof LayerNorm ln) {
                ModelGradientTest.randomize(ln.gamma(), rng);
                ModelGradientTest.randomize(ln.beta(), rng);
            } else if (l instanceof Linear lin) {
                lin.normMethod(m);
            }
        }
        List<Layer> top = model.layers();
        ModelGradientTest.shrink((Linear) top.get(top.size() - 1));
        return model;
    }
}
