package org.edp4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.edp4j.fl.LocalTraining;
import org.edp4j.fl.Partition;
import org.edp4j.fl.RoundExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkEngineTest {

    /** The engine joins the running session, distributes, reads Parquet, and leaves the session it joined running. */
    @Test
    void joinsTheRunningSessionAndReadsParquet(@TempDir Path dir) {
        SparkTests.session();
        assertTrue(SparkEngine.available());
        SparkEngine e = SparkEngine.start("local[2]", "t", 3);
        assertEquals(3, e.partitions());
        assertEquals("local[2]", e.master());
        assertTrue(e.toString().contains("on local[2], 3 partitions"), e.toString());
        TokenRows rows = SparkTests.randomRows(20, 9, 2, 3, 1);
        SparkEngine.Federation fed = e.federation(Partition.of(new int[][] {{0, 1}, {2}, {3, 4, 5}}), rows);
        assertEquals(3, fed.deviceCount());
        try (RoundExecutor exec = fed.executor(DeviceSetting.continual(2, 3),
                be -> org.edp4j.nn.Models.bag(be, new java.util.SplittableRandom(1), 9, 4, 4, 2),
                new LocalTraining(1, 2, 0.1, 1))) {
            assertTrue(exec instanceof SparkRoundExecutor);
        }
        Path file = dir.resolve("t.parquet");
        StructType schema = new StructType().add("body", DataTypes.StringType).add("y", DataTypes.IntegerType)
                .add("who", DataTypes.LongType);
        SparkTests.session().createDataFrame(List.of(RowFactory.create("hello there", 1, 7L),
                RowFactory.create("bye", 0, 8L)), schema).coalesce(1).write().parquet(file.toString());
        List<String[]> read = e.readParquet(file, "body", "y", "who");
        assertEquals(2, read.size());
        assertArrayEquals(new String[] {"hello there", "1", "7"}, read.get(0));
        assertArrayEquals(new String[] {"bye", "0", null}, e.readParquet(file, "body", "y", null).get(1));
        assertEquals("no column 'text'; the file has body, y, who", assertThrows(IllegalArgumentException.class,
                () -> e.readParquet(file, "text", "y", null)).getMessage());
        e.stop();
        assertEquals(2, SparkTests.sc().parallelize(List.of(1, 2)).count(), "the joined session still runs");
        assertEquals("partitions must be >= 0 (0: twice Spark's default parallelism), got -1",
                assertThrows(IllegalArgumentException.class, () -> SparkEngine.start("local[2]", "t", -1)).getMessage());
    }
}
