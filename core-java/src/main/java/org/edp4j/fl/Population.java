package org.edp4j.fl;

/**
 * The devices of a federated run and the examples each holds in the current round.
 *
 * <p>The server calls {@link #beginRound(long)} once per round, rounds in order, before it selects
 * devices; during the round, {@link #heldCount} and {@link #held} are only read, from any number of
 * threads. {@link StaticPopulation}: every device holds its whole partition all the time.
 * {@link ContinualPopulation}: devices receive new examples every round and keep the newest few.
 */
public interface Population {

    /** @return the number of devices, {@code >= 1} */
    int deviceCount();

    /**
     * Moves the population to round {@code round} (a continual population delivers the round's new
     * examples and deletes what no longer fits).
     *
     * @param round the next round: 0 first, then 1, 2, ...
     * @throws IllegalArgumentException when {@code round} is not the next round
     */
    void beginRound(long round);

    /** @return how many examples device {@code d} holds now, {@code >= 0} */
    int heldCount(int device);

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
