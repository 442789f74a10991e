package org.edp4j.fl;

/**
 * Runs the device side of a round: the devices decide by their coins whether they join
 * ({@link RoundTask#selection()}), every selected device trains from the global weights, and the
 * clipped updates are summed. The server ({@link FederatedAveraging}) does the rest (noise once,
 * scaling, its optimizer, accounting), so an engine that spreads devices over threads or machines
 * implements this interface alone and runs the same algorithm: the selection is a function of the
 * coins' key, the round and each device's held count ({@link RoundSelection#select}), and each
 * device's update comes from {@link DeviceTrainer#update}, which depends only on the task and the
 * device, not on where it runs.
 *
 * <p>{@link ThreadPoolRoundExecutor} flips the coins and runs the devices on one machine and sums in
 * device order, so its result is the same bit for bit whatever the number of threads. An engine
 * whose summation order differs (a tree aggregation, {@code org.edp4j.spark.SparkRoundExecutor})
 * gives the same sum up to float rounding.
 */
public interface RoundExecutor extends AutoCloseable {

    /**
     * Trains each device {@code task.selection()} selects and writes the sum of their clipped updates
     * to {@code sum}.
     *
     * @param sum shaped like the model; overwritten (zero when no device is selected)
     * @return the round's tally (not covered by epsilon: see {@link RoundTally})
     * @throws org.edp4j.dp.NonFiniteGradientException when a device's update is not finite under
     *     {@link org.edp4j.dp.NonFinitePolicy#THROW}; {@code sum} is then undefined
     */
    RoundTally run(RoundTask task, ModelVector sum);

    /** Releases threads and buffers. */
    @Override
    void close();
}
