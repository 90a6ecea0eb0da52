package io.rocklet.transport.grpc;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker whose process dies (its server stops, its port refuses connections) and comes back on the same port:
 * calls fail fast with a retriable BROKER_UNAVAILABLE meanwhile, and clients - stubs, producers, a push consumer
 * (its pull streams end and are opened again) and its group watch - carry on once it is back, with nothing to restart
 * on their side.
 */
@Timeout(90)
class PeerRestartTest
{
    @Test
    void shouldFailFastWithBrokerUnavailableWhileTheBrokerIsDownAndRecoverAfterItRestarts(@TempDir final Path dir)
    {
        try (GrpcCluster cluster = new GrpcCluster(TestTls.settings(TestTls.node(true)).build(),
            TestTls.settings(TestTls.client()).build(), dir, UnaryOperator.identity()))
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("events", 2));
            final Set<String> received = ConcurrentHashMap.newKeySet();
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("followers")
                .subscribe("events", "*")
                .listener(messages ->
                {
                    messages.forEach(m -> received.add(new String(m.bodyBytes(), StandardCharsets.UTF_8)));
                    return ConsumeResult.SUCCESS;
                }).build());
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("emitters").build());
            producer.send(Message.builder("events").body("before").build());
            Await.until(() -> received.contains("before"), () -> "received " + received);

            final String address = cluster.brokerAddress();
            final BrokerService stub = cluster.clientTransport.broker(address);
            final long streams = cluster.served.callsStarted("Subscribe");
            cluster.stopBroker();
            for (int i = 0; i < 3; i++)
            {
                final RockletException down = Failures.failure(stub.identity());
                assertEquals(ErrorCode.BROKER_UNAVAILABLE, down.errorCode(), down.toString());
                assertTrue(down.retriable());
                assertTrue(down.getMessage().contains(address), down.getMessage());
            }

            cluster.startBroker();
            assertEquals(address, cluster.brokerAddress(), "restarted on the same port");
            Await.until(() -> stub.identity().handle((identity, error) -> error == null).join(),
                () -> "the stub did not reconnect");
            Await.until(() -> sends(producer, "after"), () -> "sends did not resume");
            Await.until(() -> received.contains("after"), () -> "the consumer did not resume: " + received);
            assertTrue(cluster.served.callsStarted("Subscribe") > streams, "the pull streams were opened again");
            assertEquals(0, cluster.served.callsStarted("Pull"), "pulls streamed throughout, none unary");
            consumer.close();
        }
    }

    private static boolean sends(final Producer producer, final String body)
    {
        try
        {
            producer.send(Message.builder("events").body(body).build());
            return true;
        }
        catch (final RockletException e)
        {
            assertTrue(e.retriable() || e.errorCode() == ErrorCode.TOPIC_NOT_FOUND, e.toString());
            return false;
        }
    }
}
