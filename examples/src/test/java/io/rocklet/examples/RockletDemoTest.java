package io.rocklet.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RockletDemoTest
{
    @Test
    void shouldPrintTheExamplesAndRefuseWhenTheNameIsUnknown() throws Exception
    {
        final ExampleOutput err = new ExampleOutput();

        assertEquals(2, RockletDemo.run(new String[] {"nope"}, err.stream));

        assertTrue(err.text().contains("unknown example: nope"), err.text());
        for (final String name : List.of("quickstart", "ordered", "broadcast", "retry", "pull", "admin", "store"))
        {
            assertTrue(err.text().contains("  " + name + " "), name + " in " + err.text());
        }
        final ExampleOutput help = new ExampleOutput();
        assertEquals(0, RockletDemo.run(new String[] {"help"}, help.stream));
        assertTrue(help.text().startsWith("usage:"), help.text());
    }
}
