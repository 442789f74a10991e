package org.edp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorLimitTest {

    @Test
    void productsUpToTheLimitPassAndAboveItAreNamed() {
        TensorLimit.check("t", 46341, 46340); // 2,147,441,940
        TensorLimit.check("t", Integer.MAX_VALUE, 1);
        TensorLimit.check("t", 0, Long.MAX_VALUE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorLimit.check("the table (--a x --b)", 65536, 32768));
        assertEquals("the table (--a x --b) = 65536 x 32768 = 2147483648 values, over the limit of 2147483647 "
                + "(2^31 - 1) values per tensor", e.getMessage());
        // no overflow in the check itself
        assertThrows(IllegalArgumentException.class,
                () -> TensorLimit.check("t", Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
    }
}
