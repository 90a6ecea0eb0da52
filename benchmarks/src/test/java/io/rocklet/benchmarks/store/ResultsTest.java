package io.rocklet.benchmarks.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsTest
{
    @Test
    void shouldPrintOneResultLinePerFigure()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Results results = new Results(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        results.report("store.append.128b.t1.async", 5_123_456.7, "msgs/s");
        results.note("flush=%s", "ASYNC");

        assertEquals("RESULT store.append.128b.t1.async 5123457 msgs/s\n# flush=ASYNC\n",
            bytes.toString(StandardCharsets.UTF_8));
        assertEquals(5_123_456.7, results.value("store.append.128b.t1.async").getAsDouble());
        assertTrue(results.value("missing").isEmpty());
    }

    @Test
    void shouldFormatSmallValuesWithDecimalsAndWholeOnesWithout()
    {
        assertEquals("0.653", Results.format(0.65321));
        assertEquals("0", Results.format(0));
        assertEquals("14274925", Results.format(14_274_925));
        assertEquals("12.500", Results.format(12.5));
    }
}
