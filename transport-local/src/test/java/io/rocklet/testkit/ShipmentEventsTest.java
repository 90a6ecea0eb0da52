package io.rocklet.testkit;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.testkit.RecordingListener;
import io.rocklet.testkit.RockletExtension;
import io.rocklet.testkit.TestTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The test kit example of transport-local/README.md, kept here so that it compiles and passes: keep the two the same.
 */
@Timeout(30)
class ShipmentEventsTest
{
    // one broker for the whole test run, closed when the run ends (RockletExtension.perClass(): one per class)
    @RegisterExtension
    static final RockletExtension ROCKLET = RockletExtension.shared();

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void shouldReceiveWhatWasSentWhenSentWithTagKeysAndProperties(TestTopic shipments) // a topic for this test only
    {
        shipments.send(m -> m.tag("shipped").key("order-42").property("carrier", "dhl").body("{\"order\":42}"));

        ReceivedMessage shipped = shipments.receive(1, WAIT).get(0); // on timeout: what arrived, what did not

        assertEquals("shipped", shipped.tag());
        assertEquals(List.of("order-42"), shipped.keys());
        assertEquals(1, shipments.messageCount());
    }

    @Test
    void shouldDeliverToTheConsumerGroupWhenTheApplicationSends(TestTopic shipments, Producer producer,
        RecordingListener listener) // a ready producer, and the listener of a push consumer of the test's topic
    {
        for (int i = 0; i < 3; i++)
        {
            producer.send(Message.builder(shipments.name()).key("order-" + i).body("shipped " + i).build());
        }

        listener.awaitCount(3, WAIT);     // the push consumer got them...
        shipments.awaitConsumed(3, WAIT); // ...and its group (shipments.group()) committed them
    }
}
