package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.edp4j.fl.ContinualPopulation;
import org.edp4j.fl.Partition;
import org.edp4j.fl.Partitions;
import org.junit.jupiter.api.Test;

class SparkPopulationTest {

    /** Every block's devices, in device order: their streams as rows (tokens of the block's or the shared rows). */
    static Map<Integer, List<List<Integer>>> streams(SparkPopulation pop) {
        TokenRows shared = pop.corpus() == null ? null : pop.corpus().value();
        Map<Integer, List<List<Integer>>> out = new TreeMap<>();
        for (DeviceBlock b : pop.blocks().collect()) {
            TokenRows rows = b.rows() != null ? b.rows() : shared;
            for (int k = 0; k < b.count(); k++) {
                List<List<Integer>> s = new ArrayList<>();
                for (int i = 0; i < b.streamLength(k); i++) {
                    int r = b.example(k, i);
                    List<Integer> row = new ArrayList<>();
                    for (int t = 0; t < rows.maxLen(); t++) {
                        row.add(rows.token(r, t));
                    }
                    row.add(-1 - rows.label(r));
                    s.add(row);
                }
                out.put(b.firstDevice() + k, s);
            }
        }
        return out;
    }

    @Test
    void aPartitionBecomesBlocksOfConsecutiveDevices() {
        TokenRows rows = SparkTests.randomRows(100, 20, 2, 4, 5);
        Partition p = Partitions.quantitySkew(100, 23, 1.0, 3);
        try (SparkPopulation pop = SparkPopulation.fromPartition(SparkTests.sc(), p, rows, 4)) {
            assertEquals(23, pop.deviceCount());
            assertArrayEquals(p.sizes(), pop.streamLengths());
            assertEquals(4, pop.blocks().getNumPartitions());
            Map<Integer, List<List<Integer>>> s = streams(pop);
            assertEquals(23, s.size());
            for (int d = 0; d < 23; d++) {
                assertEquals(p.size(d), s.get(d).size());
                for (int k = 0; k < p.size(d); k++) {
                    assertEquals(rows.label(p.example(d, k)), -1 - s.get(d).get(k).get(4));
                }
            }
            assertEquals(p.largestDevice(), pop.maxHeld());
        }
    }

    /** The census follows the rounds in order, and the continual twin counts what ContinualPopulation holds. */
    @Test
    void theCensusCountsWhatTheLocalPopulationHolds() {
        TokenRows rows = SparkTests.randomRows(60, 20, 2, 4, 6);
        Partition p = Partitions.quantitySkew(60, 9, 1.5, 4);
        try (SparkPopulation pop = SparkPopulation.fromPartition(SparkTests.sc(), p, rows, 2)) {
            SparkPopulation cont = pop.continual(3, 4);
            ContinualPopulation local = new ContinualPopulation(p, 3, 4);
            for (int t = 0; t < 6; t++) {
                cont.beginRound(t);
                local.beginRound(t);
                for (int d = 0; d < 9; d++) {
                    assertEquals(local.heldCount(d), cont.heldCount(d), "device " + d + " round " + t);
                }
            }
            assertEquals(Math.min(3, p.largestDevice()), cont.maxHeld());
            assertEquals("rounds must come in order: expected round 6, got 8",
                    assertThrows(IllegalArgumentException.class, () -> cont.beginRound(8)).getMessage());
            SparkPopulation again = cont.fromRoundZero();
            again.beginRound(0);
            assertEquals(local.heldCount(0) == 0 ? 0 : Math.min(3, (p.size(0) + 3) / 4), again.heldCount(0));
        }
    }

    /**
     * A Dataset with a device column: devices numbered in ascending order of the column, each device's
     * rows in the Dataset's order: the streams {@code Partitions.byDeviceId} gives over the rows sorted by device.
     */
    @Test
    void aDatasetIsGroupedByItsDeviceColumn() {
        TokenRows rows = SparkTests.randomRows(80, 20, 3, 4, 7);
        String[] ids = new String[80];
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            ids[i] = "user-" + ((i * 7) % 13);
            Integer[] t = new Integer[4];
            for (int k = 0; k < 4; k++) {
                t[k] = rows.token(i, k);
            }
            data.add(RowFactory.create(ids[i], t, rows.label(i)));
        }
        StructType schema = new StructType().add("user", DataTypes.StringType)
                .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType)).add("label", DataTypes.IntegerType);
        Dataset<Row> df = SparkTests.session().createDataFrame(SparkTests.sc().parallelize(data, 3), schema);
        try (SparkPopulation pop = SparkPopulation.fromRows(df, "user", "tokens", "label", 20, 3, 4, 3)) {
            String[] sortedIds = Arrays.stream(ids).distinct().sorted().toArray(String[]::new);
            assertEquals(sortedIds.length, pop.deviceCount());
            Map<Integer, List<List<Integer>>> s = streams(pop);
            for (int d = 0; d < sortedIds.length; d++) {
                List<List<Integer>> want = new ArrayList<>();
                for (int i = 0; i < 80; i++) {
                    if (ids[i].equals(sortedIds[d])) {
                        List<Integer> row = new ArrayList<>();
                        for (int k = 0; k < 4; k++) {
                            row.add(rows.token(i, k));
                        }
                        row.add(-1 - rows.label(i));
                        want.add(row);
                    }
                }
                assertEquals(want, s.get(d), "device " + d + " (" + sortedIds[d] + ")");
                assertEquals(want.size(), pop.streamLengths()[d]);
            }
        }
        assertEquals("the Dataset has no column 'device' (columns: user, tokens, label)", assertThrows(
                IllegalArgumentException.class, () -> SparkPopulation.fromRows(df, "device", "tokens", "label", 20, 3,
                        4, 3)).getMessage());
    }

    @Test
    void aSyntheticPopulationIsTheGeneratorsDevices() {
        TokenRows corpus = SparkTests.randomRows(30, 20, 2, 4, 8);
        try (SparkPopulation pop = SparkPopulation.synthetic(SparkTests.sc(), corpus, 1000, 11, 3)) {
            assertEquals(1000, pop.deviceCount());
            int[] lengths = pop.streamLengths();
            Map<Integer, List<List<Integer>>> s = streams(pop);
            for (int d = 0; d < 1000; d += 97) {
                int[] want = SyntheticDevices.streamOf(d, 11, 30);
                assertEquals(want.length, lengths[d]);
                assertEquals(want.length, s.get(d).size());
                assertEquals(-1 - corpus.label(want[0]), s.get(d).get(0).get(4));
            }
        }
    }
}
