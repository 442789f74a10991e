package org.edp4j.fl;

/**
 * What the server knows of the devices: how many there are and how many examples each holds in the
 * current round, not which. Activity-based selection reads the counts; uniform selection only the
 * number of devices. A {@link Population} is a census that also hands out the examples (the device
 * side); an engine whose devices live elsewhere (a Spark cluster) gives the server a census alone.
 *
 * <p>The server calls {@link #beginRound(long)} once per round, rounds in order, before it selects
 * devices; during the round {@link #heldCount} is only read, from any number of threads.
 */
public interface DeviceCensus {

    /** @return the number of devices, {@code >= 1} */
    int deviceCount();

    /**
     * Moves the devices to round {@code round} (a continual population delivers the round's new
     * examples and deletes what no longer fits).
     *
     * @param round the next round: 0 first, then 1, 2, ...
     * @throws IllegalArgumentException when {@code round} is not the next round
     */
    void beginRound(long round);

    /** @return how many examples device {@code d} holds now, {@code >= 0} */
    int heldCount(int device);
}
