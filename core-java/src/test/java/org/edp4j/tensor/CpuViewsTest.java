package org.edp4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Zero-copy views of a caller's arrays ({@link CpuBackend#wrap}): nothing is copied (writes go
 * both ways), and every operation on views at offsets gives the same bits as on fresh tensors and
 * writes nothing outside the views.
 */
class CpuViewsTest {
    private final CpuBackend be = CpuBackend.instance();
    private static final float GUARD = 12345.5f;

    @Test
    void writesGoThroughTheCallersArrayBothWays() {
        float[] mine = {9, 9, 1, 2, 3, 4, 5, 6, 9};
        Tensor v = be.wrap(mine, 2, 2, 3);
        assertSame(mine, ((CpuTensor) v).data());
        assertEquals(2, ((CpuTensor) v).offset());
        assertEquals(21.0, be.sum(v));
        mine[7] = 100; // the caller writes: the next operation sees it
        assertEquals(115.0, be.sum(v));
        be.scale(2f, v); // an operation writes: the caller sees it, nothing outside the view changes
        assertArrayEquals(new float[] {9, 9, 2, 4, 6, 8, 10, 200, 9}, mine);
        int[] ids = {7, 0, 2, 1};
        IntTensor t = be.wrapInts(ids, 1, 3);
        ids[3] = 0;
        assertArrayEquals(new int[] {0, 2, 0}, t.toArray());
        v.close();
        assertEquals(200f, mine[7], "closing a view leaves the array alone");
    }

    @Test
    void viewsOutsideTheArrayAreRefused() {
        float[] a = new float[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.wrap(a, 5, 2, 3));
        assertEquals("a view of shape [2, 3] (6 elements) at offset 5 does not fit an array of 10; the offset must "
                + "be >= 0 and offset + size <= the array's length", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> be.wrap(a, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> be.wrapInts(new int[3], 1, 3));
        assertEquals(0, be.wrap(a, 10, 0).size(), "an empty view at the end is legal");
    }

    @Test
    void attentionRefusesAViewAtAnOffset() {
        float[] big = new float[1 + 2 * 3 * 3];
        Tensor qkv = be.wrap(big, 1, 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.attention(1, 2, 1, 1, qkv, be.zeros(1, 2), be.zeros(1, 1, 2, 2), be.zeros(1, 2, 1)));
        assertTrue(e.getMessage().contains("view at offset 1"), e.getMessage());
    }

    /** Inputs of one operation: float tensors (random) and int tensors (ids in [0, 3)). */
    private interface Op {
        void run(Tensor[] f, IntTensor[] i);
    }

    /**
     * Runs {@code op} on fresh tensors and on views at odd offsets of one guarded array holding the
     * same values; every tensor must end with the same bits, and the guards untouched.
     */
    private void sameOnViews(String name, int[][] floatShapes, int[][] intShapes, Op op) {
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        int nf = floatShapes.length;
        float[][] values = new float[nf][];
        long total = 0;
        for (int k = 0; k < nf; k++) {
            values[k] = new float[Shape.of(floatShapes[k]).size()];
            for (int j = 0; j < values[k].length; j++) {
                values[k][j] = (float) rng.nextGaussian();
            }
            total += values[k].length + 3;
        }
        int[][] ids = new int[intShapes.length][];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = rng.ints(Shape.of(intShapes[k]).size(), 0, 3).toArray();
        }
        Tensor[] plain = new Tensor[nf];
        for (int k = 0; k < nf; k++) {
            plain[k] = be.tensor(values[k], floatShapes[k]);
        }
        IntTensor[] plainIds = new IntTensor[ids.length];
        for (int k = 0; k < ids.length; k++) {
            plainIds[k] = be.intTensor(ids[k], intShapes[k]);
        }
        op.run(plain, plainIds);

        float[] arena = new float[(int) total + 5];
        java.util.Arrays.fill(arena, GUARD);
        Tensor[] views = new Tensor[nf];
        List<int[]> ranges = new ArrayList<>();
        int at = 5;
        for (int k = 0; k < nf; k++) {
            System.arraycopy(values[k], 0, arena, at, values[k].length);
            views[k] = be.wrap(arena, at, floatShapes[k]);
            ranges.add(new int[] {at, at + values[k].length});
            at += values[k].length + 3;
        }
        int[] idArena = new int[ids.length * 2 + java.util.Arrays.stream(ids).mapToInt(a -> a.length).sum()];
        IntTensor[] idViews = new IntTensor[ids.length];
        int iat = 1;
        for (int k = 0; k < ids.length; k++) {
            System.arraycopy(ids[k], 0, idArena, iat, ids[k].length);
            idViews[k] = be.wrapInts(idArena, iat, intShapes[k]);
            iat += ids[k].length + 2;
        }
        op.run(views, idViews);
        for (int k = 0; k < nf; k++) {
            assertArrayEquals(plain[k].toArray(), views[k].toArray(), name + ": tensor " + k);
        }
        int next = 0;
        for (int j = 0; j < arena.length; j++) {
            if (next < ranges.size() && j == ranges.get(next)[0]) {
                j = ranges.get(next)[1] - 1;
                next++;
                continue;
            }
            assertEquals(GUARD, arena[j], name + ": element " + j + " outside every view was written");
        }
    }

    @Test
    void everyOperationGivesTheSameBitsOnViews() {
        int b = 3;
        int t = 4;
        int d = 5;
        int p = 6;
        sameOnViews("fill", new int[][] {{7}}, new int[0][], (f, i) -> be.fill(f[0], 2f));
        sameOnViews("copy", new int[][] {{7}, {7}}, new int[0][], (f, i) -> be.copy(f[0], f[1]));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                sameOnViews("gemm " + ta + tb, new int[][] {{9, 7}, {7, 11}, {9, 11}}, new int[0][],
                        (f, i) -> be.gemm(ta, tb, 9, 11, 7, 0.5f, f[0], f[1], 0.25f, f[2]));
            }
        }
        sameOnViews("gemmScaledTN", new int[][] {{b * t, d}, {b * t, p}, {b}, {d, p}}, new int[0][],
                (f, i) -> be.gemmScaledTN(b * t, d, p, t, f[0], f[1], f[2], 1f, f[3]));
        sameOnViews("columnSumScaled", new int[][] {{b * t, p}, {b}, {p}}, new int[0][],
                (f, i) -> be.columnSumScaled(b * t, p, t, f[0], f[1], 0.5f, f[2]));
        sameOnViews("addRowVector", new int[][] {{p}, {b, p}}, new int[0][], (f, i) -> be.addRowVector(b, p, f[0], f[1]));
        for (Activation a : Activation.values()) {
            sameOnViews("activation " + a, new int[][] {{b, p}, {b, p}, {b, p}, {b, p}}, new int[0][], (f, i) -> {
                be.activation(a, f[0], f[1]);
                be.activationBackward(a, f[0], f[1], f[2], f[3]);
            });
        }
        sameOnViews("axpy, scale", new int[][] {{9}, {9}}, new int[0][], (f, i) -> {
            be.axpy(0.5f, f[0], f[1]);
            be.scale(3f, f[0]);
        });
        sameOnViews("reductions", new int[][] {{9}, {3}}, new int[0][], (f, i) -> {
            float[] r = {(float) be.sum(f[0]), (float) be.sumOfSquares(f[0]), be.allFinite(f[0]) ? 1 : 0,
                    be.allFinite(List.of(f[0], f[1])) ? 1 : 0};
            f[1].copyFrom(r);
        });
        sameOnViews("embedding", new int[][] {{3, d}, {b * t, d}, {b * t, d}, {b}, {3, d}}, new int[][] {{b * t}},
                (f, i) -> {
                    be.embeddingLookup(b * t, d, f[0], i[0], f[1]);
                    be.embeddingScatterAddScaled(b * t, d, t, i[0], f[2], f[3], 0.5f, f[4]);
                });
        sameOnViews("embeddingNorms", new int[][] {{b * t, d}, {b}}, new int[][] {{b * t}},
                (f, i) -> be.embeddingNorms(b, t, d, i[0], f[0], f[1]));
        sameOnViews("embeddingBag", new int[][] {{3, d}, {b, t}, {b, d}, {b, d}, {b}, {3, d}, {b}},
                new int[][] {{b * t}}, (f, i) -> {
                    be.embeddingBagMean(b, t, d, f[0], i[0], f[1], f[2]);
                    be.embeddingBagScatterAddScaled(b, t, d, 1, i[0], f[1], f[3], f[4], 0.5f, f[5]);
                    be.embeddingBagNorms(b, 1, t, d, i[0], f[1], f[3], f[6]);
                });
        sameOnViews("pool", new int[][] {{b, t, d}, {b, t}, {b, d}, {b, t, d}}, new int[0][], (f, i) -> {
            be.maskedMeanPool(b, t, d, f[0], f[1], f[2]);
            be.maskedMeanPoolBackward(b, t, d, f[2], f[1], f[3]);
        });
        sameOnViews("layerNorm", new int[][] {{b * t, d}, {d}, {d}, {b * t, d}, {b * t, d}, {b * t}, {b * t, d},
                {b * t, d}, {b}, {d}, {d}, {b}}, new int[0][], (f, i) -> {
                    be.layerNorm(b * t, d, 1e-5f, f[0], f[1], f[2], f[3], f[4], f[5]);
                    be.layerNormBackward(b * t, d, f[6], f[4], f[5], f[1], f[7]);
                    be.layerNormParamGradScaled(b * t, d, t, f[6], f[4], f[8], 0f, f[9], f[10]);
                    be.layerNormNorms(b, t, d, f[6], f[4], f[11]);
                });
        sameOnViews("softmaxCrossEntropy", new int[][] {{b, 3}, {b}, {b}, {b, 3}}, new int[][] {{b}},
                (f, i) -> be.softmaxCrossEntropy(b, 3, f[0], i[0], f[1], f[2], f[3]));
        sameOnViews("linear and bias norms", new int[][] {{b * t, d}, {b * t, p}, {b}, {b * t}}, new int[0][], (f, i) -> {
            be.linearNormsRowwise(b * t, d, p, f[0], f[1], true, f[3]);
            be.linearNormsGhost(b, t, d, p, f[0], f[1], true, f[2]);
            be.linearNormsDirect(b, t, d, p, f[0], f[1], false, f[2]);
            be.biasNorms(b, t, p, f[1], f[2]);
        });
        sameOnViews("clipFactors", new int[][] {{b}, {b}, {b}}, new int[0][], (f, i) -> {
            be.scale(0f, f[1]);
            be.axpy(1f, f[0], f[1]); // a mask of arbitrary values: 0 only where exactly 0
            be.clipFactors(b, f[0], f[1], 0.5f, 1e-6f, false, f[2]);
        });
        float[] normals = new float[50];
        java.util.Arrays.fill(normals, 0.25f);
        UpdateNoise noise = new UpdateNoise(0.5f, normals, 3, null, 0, 0, 0);
        sameOnViews("updates", new int[][] {{9}, {9}, {9}, {9}, {9}, {9}}, new int[0][], (f, i) -> {
            be.sgdUpdate(f[0], f[1], noise, 0.5f, 0.1f, 0.9f, 0.01f, f[2]);
            be.scale(0f, f[5]);
            be.adamUpdate(f[3], f[1], noise, 0.5f, 0.1f, 0.9f, 0.99f, 1e-8f, 0.01f, 2, f[4], f[5]);
        });
    }
}
