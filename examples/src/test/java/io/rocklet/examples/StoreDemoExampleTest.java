package io.rocklet.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class StoreDemoExampleTest
{
    @Test
    void shouldFindEveryMessageAfterTheRestartWhenRun(@TempDir final Path directory) throws Exception
    {
        final ExampleOutput output = new ExampleOutput();

        assertEquals(10_000, StoreDemo.run(directory.resolve("store"), output.stream));
        assertTrue(output.text().contains("by key order-4242"), output.text());
        assertTrue(output.text().contains("by id"), output.text());
    }
}
