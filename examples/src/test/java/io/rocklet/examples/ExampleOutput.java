package io.rocklet.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what an example prints.
 */
final class ExampleOutput
{
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String text()
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
