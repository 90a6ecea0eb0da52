package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.ResentMessage;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;
import io.rocklet.client.RockletClients;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unique message ids end to end (F18, design contract "a message keeps one unique id"): the same id on the first
 * delivery, on redeliveries through the retry topic, in the dead-letter topic and on a dead letter re-sent; the
 * same id after a producer retry on another broker; one id per message of a batch; one given by the broker to a
 * message sent through the SPI without one; found by {@link Admin#messageById} by either id, also after the
 * broker restarts. Each stored copy keeps its own offset id.
 */
@Timeout(60)
class MessageIdTest
{
    private static final String TOPIC = "ids";
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path data;

    @Test
    void shouldKeepTheIdThroughRedeliveryTheDeadLetterTopicAndReSendWhenConsumptionFails()
    {
        final List<Duration> levels = new ArrayList<>();
        for (int level = 1; level <= 18; level++)
        {
            levels.add(Duration.ofMillis(20L * level));
        }
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().delayLevels(levels).start())
        {
            rocklet.createTopic(TOPIC, 2);
            final List<ReceivedMessage> deliveries = new CopyOnWriteArrayList<>();
            final PushConsumer consumer = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-ids")
                .subscribe(TOPIC, "*").maxReconsumeTimes(1).listener(messages ->
                {
                    deliveries.addAll(messages);
                    return ConsumeResult.RECONSUME_LATER;
                }).build());
            final SendReceipt sent = rocklet.newProducer("pg").send(Message.builder(TOPIC).key("order-1")
                .body("poison").build());
            assertTrue(UniqueMessageIds.isUniqueId(sent.messageId()), sent.messageId());
            final Admin admin = rocklet.admin();

            Await.until(DEADLINE, () -> deliveries.size() >= 2 && deadLetters(admin).size() == 1,
                () -> "deliveries " + deliveries);
            consumer.close();
            final MessageDetail dead = deadLetters(admin).get(0);
            assertEquals(sent.messageId(), deliveries.get(0).messageId(), "first delivery");
            assertEquals(0, deliveries.get(0).reconsumeTimes());
            assertEquals(sent.messageId(), deliveries.get(1).messageId(), "redelivery through the retry topic");
            assertEquals(1, deliveries.get(1).reconsumeTimes());
            assertEquals(sent.messageId(), dead.messageId(), "dead letter");
            assertNotEquals(deliveries.get(0).offsetMessageId(), deliveries.get(1).offsetMessageId(),
                "every stored copy has its own offset id");
            assertEquals(deliveries.get(0).offsetMessageId(), dead.properties().get(SystemProperties.ORIGIN_MESSAGE_ID));

            final MessageDetail original = admin.messageById(sent.messageId()).orElseThrow();
            assertEquals(TOPIC, original.topic(), "the unique id finds the copy sent first");
            assertEquals(sent.queue(), original.queue());
            assertEquals(sent.queueOffset(), original.queueOffset());
            assertEquals(deliveries.get(0).offsetMessageId(), original.offsetMessageId());
            assertEquals(SystemTopics.dlqTopic("g-ids"), admin.messageById(dead.offsetMessageId()).orElseThrow()
                .topic(), "the offset id finds that copy");

            final ResentMessage resent = admin.resendDeadLetter("g-ids", dead.messageId());
            assertEquals(sent.messageId(), resent.receipt().messageId(), "re-sent with its id");
            final List<MessageDetail> byKey = admin.messagesByKey(TOPIC, "order-1", 0, Long.MAX_VALUE, 10);
            assertEquals(List.of(sent.messageId(), sent.messageId()), byKey.stream().map(MessageDetail::messageId)
                .toList(), "sent and re-sent");
        }
    }

    @Test
    void shouldKeepTheIdWhenTheProducerRetriesOnAnotherBroker()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", settings -> settings);
            cluster.startBroker("b", settings -> settings);
            final Admin admin = cluster.newClient().admin();
            admin.createTopic(TopicConfig.of(TOPIC, 1));
            final BusyOnce transport = new BusyOnce(cluster.transport);
            try (RockletClient client = RockletClients.create(ClientConfig.builder().routers(HandBuiltCluster.ROUTER)
                .requestTimeout(Duration.ofSeconds(2)).build(), transport))
            {
                final Producer producer = client.newProducer(ProducerConfig.builder("pg").build());
                final SendReceipt sent = producer.send(Message.builder(TOPIC).body("retried").build());

                final SendRequest refused = transport.refused.get();
                assertEquals(sent.messageId(), refused.message().properties().get(SystemProperties.UNIQUE_ID),
                    "the attempt refused as BUSY carried the id the retry stored");
                assertNotEquals(transport.refusedBroker.get(), sent.queue().brokerName(), "retried elsewhere");
                final MessageDetail stored = admin.messageById(sent.messageId()).orElseThrow();
                assertEquals("retried", stored.bodyText());
                assertEquals(sent.queue(), stored.queue());
            }
        }
    }

    @Test
    void shouldGiveEveryMessageOfABatchItsOwnId()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 1);
            final List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                batch.add(Message.builder(TOPIC).body("b" + i).build());
            }
            final List<SendReceipt> sent = rocklet.newProducer("pg").send(batch);

            assertEquals(3, sent.stream().map(SendReceipt::messageId).distinct().count(), sent.toString());
            for (int i = 0; i < 3; i++)
            {
                assertTrue(UniqueMessageIds.isUniqueId(sent.get(i).messageId()), sent.get(i).messageId());
                assertEquals("b" + i, rocklet.admin().messageById(sent.get(i).messageId()).orElseThrow().bodyText());
            }
        }
    }

    @Test
    void shouldGiveAnIdToAMessageSentThroughTheSpiWithoutOne() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 1);
            final BrokerService broker = rocklet.transport().broker(rocklet.broker().identity().get().address());
            final SendResult result = broker.send(new SendRequest("pg", "raw", Message.of(TOPIC, "raw".getBytes()),
                0, 0L, 0)).get(10, TimeUnit.SECONDS);

            assertTrue(UniqueMessageIds.isUniqueId(result.messageId()), result.messageId());
            final MessageDetail found = rocklet.admin().messageById(result.messageId()).orElseThrow();
            assertEquals(result.messageId(), found.properties().get(SystemProperties.UNIQUE_ID));
            assertEquals("raw", found.bodyText());
        }
    }

    @Test
    void shouldFindAMessageByEitherIdAfterTheBrokerRestarts()
    {
        try (HandBuiltCluster cluster = new HandBuiltCluster())
        {
            cluster.startBroker("a", data);
            cluster.newClient().admin().createTopic(TopicConfig.of(TOPIC, 2));
            final SendReceipt sent = cluster.newClient().newProducer(ProducerConfig.builder("pg").build())
                .send(Message.builder(TOPIC).body("kept").build());
            final String offsetId = cluster.newClient().admin().messageById(sent.messageId()).orElseThrow()
                .offsetMessageId();
            cluster.stopBroker("a");

            cluster.startBroker("a", data);
            final Admin admin = cluster.newClient().admin();
            final MessageDetail byUniqueId = admin.messageById(sent.messageId()).orElseThrow();
            assertEquals("kept", byUniqueId.bodyText());
            assertEquals(offsetId, byUniqueId.offsetMessageId());
            assertEquals(sent.messageId(), admin.messageById(offsetId).orElseThrow().messageId());
        }
    }

    private static List<MessageDetail> deadLetters(final Admin admin)
    {
        try
        {
            return admin.deadLetters("g-ids", 10);
        }
        catch (final RockletException e)
        {
            if (e.errorCode() == ErrorCode.GROUP_NOT_FOUND)
            {
                return List.of(); // until the consumer's first heartbeat
            }
            throw e;
        }
    }

    /**
     * The cluster's transport, but the first send to any broker is refused as BUSY (retriable), and recorded.
     */
    private static final class BusyOnce implements Transport
    {
        private final Transport delegate;
        private final AtomicBoolean armed = new AtomicBoolean(true);
        private final AtomicReference<SendRequest> refused = new AtomicReference<>();
        private final AtomicReference<String> refusedBroker = new AtomicReference<>();

        BusyOnce(final Transport delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public RouterService router(final String address)
        {
            return delegate.router(address);
        }

        @Override
        public BrokerService broker(final String address)
        {
            final BrokerService target = delegate.broker(address);
            return (BrokerService)Proxy.newProxyInstance(BrokerService.class.getClassLoader(),
                new Class<?>[] {BrokerService.class}, (proxy, method, args) ->
                {
                    if (method.getName().equals("send") && armed.compareAndSet(true, false))
                    {
                        refused.set((SendRequest)args[0]);
                        refusedBroker.set(address.substring(address.lastIndexOf('-') + 1));
                        return CompletableFuture.failedFuture(new RockletException(ErrorCode.BUSY,
                            "injected: broker busy, address=" + address));
                    }
                    try
                    {
                        return method.invoke(target, args);
                    }
                    catch (final InvocationTargetException e)
                    {
                        throw e.getCause();
                    }
                });
        }

        @Override
        public Binding serve(final String address, final RouterService service)
        {
            return delegate.serve(address, service);
        }

        @Override
        public Binding serve(final String address, final BrokerService service)
        {
            return delegate.serve(address, service);
        }

        @Override
        public void close()
        {
            // the cluster closes its transport
        }
    }
}
