package io.rocklet.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(60)
class PullBacktrackExampleTest
{
    @Test
    void shouldReplayOnlyTheAfternoonWhenSeekingBackToItsStart() throws Exception
    {
        final PullBacktrack.Outcome outcome = PullBacktrack.run(new ExampleOutput().stream);

        final List<String> afternoon = readings("afternoon");
        assertEquals(Stream.concat(afternoon.stream(), readings("morning").stream()).sorted().toList(),
            outcome.firstPass());
        assertEquals(afternoon, outcome.replayed());
    }

    private static List<String> readings(final String when)
    {
        return IntStream.rangeClosed(1, PullBacktrack.READINGS).mapToObj(i -> when + "-" + i).sorted().toList();
    }
}
