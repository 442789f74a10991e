package org.edp4j.fl;

/**
 * The devices of a federated run and the examples each holds in the current round: a
 * {@link DeviceCensus} that also hands out the examples, for the engines that train the devices on
 * the machine where the population lives.
 *
 * <p>The server calls {@link #beginRound(long)} once per round, rounds in order, before it selects
 * devices; during the round, {@link #heldCount} and {@link #held} are only read, from any number of
 * threads. {@link StaticPopulation}: every device holds its whole partition all the time.
 * {@link ContinualPopulation}: devices receive new examples every round and keep the newest few.
 */
public interface Population extends DeviceCensus {

    /**
     * Writes the example indices device {@code d} holds now, oldest first, to {@code dst[0..count)}.
     *
     * @param dst at least {@link #maxHeld()} long; modified in {@code [0, count)} only
     * @return count, {@code = heldCount(device)}
     */
    int held(int device, int[] dst);

    /** @return an upper bound on {@link #heldCount} over every device and round (scratch sizing) */
    int maxHeld();
}
