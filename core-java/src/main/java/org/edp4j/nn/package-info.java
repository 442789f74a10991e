/**
 * Layers, models, losses, and the per-sample rules of book-keeping DP-SGD.
 *
 * <p>A {@link org.edp4j.nn.PerSampleRule} is what a private step needs from a group of parameters,
 * whoever ran the forward and backward passes: the per-sample squared norm of their gradient,
 * added to a {@code [B]} vector without materializing per-sample gradients, and the clipped sum
 * {@code sum_i c_i grad_i} written into their gradient buffers. Each layer kind's rule lives in one
 * class, checked against float64 per-example gradients by the test beside it:
 * {@link org.edp4j.nn.LinearRule}, {@link org.edp4j.nn.EmbeddingRule}, {@link org.edp4j.nn.EmbeddingBagRule},
 * {@link org.edp4j.nn.PositionEmbeddingRule}, {@link org.edp4j.nn.LayerNormRule},
 * {@link org.edp4j.nn.BiasRule}, and {@link org.edp4j.nn.MaterializedRule} for per-sample
 * gradients a caller forms itself. A caller with its own layers registers these rules with
 * {@link org.edp4j.dp.PrivateStep} (docs/embedding.md).
 *
 * <p>Every {@link org.edp4j.nn.Layer} is a rule too (forward, backward, and its rule: the SPI of
 * a custom layer in a {@link org.edp4j.nn.Sequential}); the built-in layers delegate to the
 * rules above. The formulas (DESIGN.md, step 4):
 *
 * <table>
 *   <caption>Per-sample squared norms</caption>
 *   <tr><th>layer</th><th>squared norm of sample i</th><th>cost</th></tr>
 *   <tr><td>Linear on [B, d]</td><td>{@code ||a_i||^2 ||g_i||^2}</td><td>{@code d + p}</td></tr>
 *   <tr><td>Linear on [B, T, d], ghost</td><td>{@code sum_{t,s} (a_it.a_is)(g_it.g_is)}</td><td>{@code T^2 (d + p) / 2} (tiles {@code s >= t})</td></tr>
 *   <tr><td>Linear on [B, T, d], direct</td><td>{@code ||A_i^T G_i||_F^2}</td><td>{@code T d p}</td></tr>
 *   <tr><td>Embedding</td><td>{@code sum_{t,s: tok_t = tok_s} g_it.g_is}</td><td>{@code T d} (grouping)</td></tr>
 *   <tr><td>EmbeddingBag (masked mean, weights {@code w_t})</td><td>{@code ||g_i||^2 sum_v (sum_{t: tok_t = v} w_t)^2}</td><td>{@code T + d}</td></tr>
 *   <tr><td>LayerNorm, Bias</td><td>direct</td><td>{@code T d}</td></tr>
 *   <tr><td>PositionEmbedding</td><td>{@code sum_t ||g_it||^2} (positions are distinct)</td><td>{@code T d}</td></tr>
 *   <tr><td>Residual</td><td>sum of its inner layers' norms</td><td>theirs</td></tr>
 *   <tr><td>Attention, activations, pooling</td><td>none (no parameters)</td><td>0</td></tr>
 * </table>
 * {@link org.edp4j.nn.LinearRule} picks ghost or direct per layer from these costs and measured
 * constants (ghost when {@code 5 T (d + p) < 8 d p}).
 *
 * <p>The transformer encoder ({@link org.edp4j.nn.Models#encoder}) needs no rule of its own: its
 * fused QKV and output projections are Linear layers on {@code [B, T, d]}, and the parameter-free
 * {@link org.edp4j.nn.Attention} only carries gradients back to them. Per-layer clipping groups
 * are the parameterized leaves ({@link org.edp4j.nn.Layer#clippingGroups()}), not the
 * {@link org.edp4j.nn.Residual} blocks.
 *
 * <p>A {@link org.edp4j.nn.Batch} has a fixed capacity and a row mask: Poisson batches of any
 * size, the empty one included, run through the same shapes. Losses ({@link org.edp4j.nn.Loss}:
 * {@link org.edp4j.nn.SoftmaxCrossEntropy}, {@link org.edp4j.nn.BinaryCrossEntropy},
 * {@link org.edp4j.nn.MeanSquaredError}, {@link org.edp4j.nn.CustomLoss}) are summed per sample,
 * never averaged before clipping.
 *
 * <pre>{@code
 * Sequential model = Models.bag(backend, new SplittableRandom(1), 20_000, 128, 128, 2);
 * Batch batch = Batch.tokens(backend, 352, 128, 2);
 * batch.loadTokens(tokens, labels, rows, count, 20_000);
 * }</pre>
 */
package org.edp4j.nn;
