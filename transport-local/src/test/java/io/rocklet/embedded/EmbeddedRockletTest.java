package io.rocklet.embedded;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.spi.BrokerService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class EmbeddedRockletTest
{
    @Test
    void shouldStoreASentMessageWhenTheTopicIsCreatedOnFirstSend() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            final Producer producer = rocklet.newProducer("app");
            final SendReceipt receipt = producer.send(Message.builder("orders").body("hello").build());
            assertEquals("orders", receipt.queue().topic());
            // a long poll: an acknowledged message becomes readable when the dispatcher reaches it, a moment later
            final BrokerService.PullResult pulled = rocklet.broker().pull(new BrokerService.PullRequest("g", "orders",
                receipt.queue().queueId(), receipt.queueOffset(), 10, "*", 10_000)).get(10, TimeUnit.SECONDS);
            assertEquals(BrokerService.PullStatus.FOUND, pulled.status());
            assertEquals(receipt.messageId(), pulled.messages().get(0).messageId());
        }
    }
}
