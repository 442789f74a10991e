package org.edp4j.cli;

import java.math.BigInteger;

/**
 * The most values one tensor or array can hold: {@code 2^31 - 1}, since Java arrays are indexed by
 * {@code int}. Option combinations whose largest tensor would exceed it are refused up front, with
 * the options named, instead of overflowing into a negative size somewhere in the run.
 */
public final class TensorLimit {

    /** {@code 2^31 - 1}. */
    public static final long MAX_VALUES = Integer.MAX_VALUE;

    private TensorLimit() {
    }

    /**
     * Checks that a tensor of the given dimensions fits.
     *
     * @param what the tensor and the options that size it, e.g.
     *     {@code "the embedding table (--vocab-size x --dim)"}
     * @param dims its dimensions, each &gt;= 0
     * @throws IllegalArgumentException when the product exceeds {@link #MAX_VALUES}: {@code "<what> = 8000 x
     *     1000000 = 8000000000 values, over the limit of 2147483647 (2^31 - 1) values per tensor"}
     */
    public static void check(String what, long... dims) {
        BigInteger n = BigInteger.ONE;
        StringBuilder product = new StringBuilder();
        for (long d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
            product.append(product.length() == 0 ? "" : " x ").append(d);
        }
        if (n.compareTo(BigInteger.valueOf(MAX_VALUES)) > 0) {
            throw new IllegalArgumentException(what + " = " + product + " = " + n + " values, over the limit of "
                    + MAX_VALUES + " (2^31 - 1) values per tensor");
        }
    }
}
