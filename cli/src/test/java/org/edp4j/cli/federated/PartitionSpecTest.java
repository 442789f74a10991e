package org.edp4j.cli.federated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.edp4j.fl.Partitions;
import org.junit.jupiter.api.Test;

class PartitionSpecTest {
    @Test
    void parsesTheThreeFormsAndBuildsTheCorePartition() {
        assertEquals(new PartitionSpec("iid", 0), PartitionSpec.parse(" IID "));
        assertEquals(new PartitionSpec("dirichlet", 0.1), PartitionSpec.parse("dirichlet:0.1"));
        assertEquals(new PartitionSpec("quantity", 0), PartitionSpec.parse("quantity:0"));
        assertEquals("quantity:1", PartitionSpec.parse("quantity:1.0").toString());
        assertEquals("dirichlet:0.5", PartitionSpec.parse("dirichlet:0.5").toString());
        int[] y = {0, 1, 0, 1, 1, 0, 0, 1};
        assertEquals(Partitions.dirichlet(y, 2, 3, 0.5, 9), PartitionSpec.parse("dirichlet:0.5").build(y, 2, 3, 9));
        assertEquals(Partitions.quantitySkew(8, 3, 2, 9), PartitionSpec.parse("quantity:2").build(y, 2, 3, 9));
        assertEquals(Partitions.iid(8, 3, 9), PartitionSpec.parse("iid").build(y, 2, 3, 9));
    }

    @Test
    void refusesEverythingElseNamingTheOption() {
        for (String bad : new String[] {"", "iid:1", "dirichlet", "dirichlet:", "dirichlet:-1", "dirichlet:NaN",
            "quantity:-0.5", "quantity:inf", "powerlaw:2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PartitionSpec.parse(bad));
            assertEquals("--partition must be iid, dirichlet:A (A > 0) or quantity:S (S >= 0), got '" + bad + "'",
                    e.getMessage());
        }
    }
}
