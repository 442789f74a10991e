package org.edp4j.nn;

/**
 * The shape of a transformer encoder classifier ({@link Models#encoder}).
 *
 * @param vocab token vocabulary size (id 0 is {@link Batch#PAD}), &gt; 0
 * @param maxLen longest sequence the learned position embedding covers, &gt; 0
 * @param width model width d, a multiple of {@code heads}
 * @param layers number of encoder blocks, &gt;= 0
 * @param heads attention heads per block, &gt; 0
 * @param ffnWidth width of each block's feed-forward hidden layer, &gt; 0
 * @param classes number of output classes, &gt;= 2
 */
public record EncoderConfig(int vocab, int maxLen, int width, int layers, int heads, int ffnWidth, int classes) {

    public EncoderConfig {
        if (vocab <= 0 || maxLen <= 0 || width <= 0 || heads <= 0 || ffnWidth <= 0) {
            throw new IllegalArgumentException("encoder sizes must be > 0, got vocab=" + vocab + ", maxLen=" + maxLen
                    + ", width=" + width + ", heads=" + heads + ", ffnWidth=" + ffnWidth);
        }
        if (layers < 0) {
            throw new IllegalArgumentException("encoder layers must be >= 0, got " + layers);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("an encoder classifier needs >= 2 classes, got " + classes);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("encoder width " + width + " is not a multiple of heads " + heads);
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return width / heads;
    }
}
