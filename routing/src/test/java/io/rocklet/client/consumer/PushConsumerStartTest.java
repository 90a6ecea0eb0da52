package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeFrom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where a push consumer starts in a queue: committed offset, LAST, FIRST, TIMESTAMP.
 */
@Timeout(60)
class PushConsumerStartTest extends PushConsumerTestBase
{
    @Test
    void shouldStartAtTheMaxOffsetWhenANewGroupConsumesFromLast()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "old" + i);
        }
        start(context, config(collect()).consumeFrom(ConsumeFrom.LAST).build());
        broker.append("T", 0, "", "new0");
        broker.append("T", 1, "", "new1");

        Await.until(() -> received.size() >= 2, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(Set.of("new0", "new1"), Set.copyOf(bodies()));
        assertEquals(10, received.stream().filter(m -> m.queueId() == 0).findFirst().orElseThrow().queueOffset());
    }

    @Test
    void shouldCommitTheStartAtOnceWhenANewGroupStartsFromLast()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "old" + i);
        }

        start(context, config(collect()).persistOffsetInterval(Duration.ofMinutes(5)).build());

        assertEquals(10, broker.committed(GROUP, "T", 0), "a member taking over later starts here too");
        assertEquals(0, broker.committed(GROUP, "T", 1));
    }

    @Test
    void shouldStartAtTheMinOffsetWhenConsumingFromFirst()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        broker.setMinOffset("T", 0, 4);
        start(context, config(collect()).consumeFrom(ConsumeFrom.FIRST).build());

        Await.until(() -> received.size() >= 6, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(List.of("m4", "m5", "m6", "m7", "m8", "m9"),
            received.stream().sorted((a, b) -> Long.compare(a.queueOffset(), b.queueOffset()))
                .map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void shouldStartAtTheFirstMessageStoredAtOrAfterTheTimeWhenConsumingFromATimestamp()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i, 1000 + i, Map.of(), 0);
        }
        start(context, config(collect()).consumeFrom(ConsumeFrom.timestamp(1006)).build());

        Await.until(() -> received.size() >= 4, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(Set.of("m6", "m7", "m8", "m9"), Set.copyOf(bodies()));
    }

    @Test
    void shouldStartAtTheCommittedOffsetWhenTheGroupHasOne()
    {
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        broker.setCommitted(GROUP, "T", 0, 7);
        start(context, config(collect()).consumeFrom(ConsumeFrom.LAST).build());

        Await.until(() -> received.size() >= 3, () -> "received=" + bodies());
        Await.pause(200);

        assertEquals(Set.of("m7", "m8", "m9"), Set.copyOf(bodies()));
    }

    @Test
    void shouldMoveOnFromTheBrokersNextOffsetWhenTheOffsetIsTooOld()
    {
        for (int i = 0; i < 5; i++)
        {
            broker.append("T", 0, "", "m" + i);
        }
        broker.setCommitted(GROUP, "T", 0, 1);
        broker.setMinOffset("T", 0, 3);
        start(context, config(collect()).build());

        Await.until(() -> received.size() >= 2, () -> "received=" + bodies());

        assertEquals(Set.of("m3", "m4"), Set.copyOf(bodies()));
    }
}
