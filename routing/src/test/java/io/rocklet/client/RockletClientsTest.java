package io.rocklet.client;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.testing.ScriptedBroker;
import io.rocklet.testing.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class RockletClientsTest
{
    private final TestCluster cluster = new TestCluster();
    private final ScriptedBroker a = cluster.add(ScriptedBroker.master("broker-a"));

    @AfterEach
    void tearDown()
    {
        cluster.close();
    }

    @Test
    void shouldSendThroughProducerAndAdminWhenCreated()
    {
        try (RockletClient client = RockletClients.create(cluster.clientConfig().build(), cluster.transport);
            Producer producer = client.newProducer(ProducerConfig.builder("pg").build()))
        {
            client.admin().createTopic(TopicConfig.of("orders", 2));
            cluster.register(a);

            assertEquals("broker-a", producer.send(Message.of("orders", new byte[1])).queue().brokerName());
            assertEquals("pg", producer.group());
            assertTrue(client.clientId().contains("@test#"), client.clientId());
        }
    }

    @Test
    void shouldCloseProducersWhenClientCloses()
    {
        final RockletClient client = RockletClients.create(cluster.clientConfig().build(), cluster.transport);
        final Producer first = client.newProducer(ProducerConfig.builder("pg").build());
        final Producer second = client.newProducer(ProducerConfig.builder("pg2").build());
        second.close();

        client.close();
        client.close();

        assertThrows(ClosedException.class, () -> first.send(Message.of("orders", new byte[1])));
        assertThrows(ClosedException.class, () -> client.newProducer(ProducerConfig.builder("pg3").build()));
        assertThrows(ClosedException.class, client::admin);
    }

    @Test
    void shouldMakeConsumersAndRefuseAMissingConfig()
    {
        try (RockletClient client = RockletClients.create(cluster.clientConfig().build(), cluster.transport))
        {
            final PullConsumer consumer = client.newPullConsumer(PullConsumerConfig.builder("cg").build());
            assertEquals("cg", consumer.group());
            consumer.close();
            assertThrows(InvalidArgumentException.class, () -> client.newPullConsumer(null));
            assertThrows(InvalidArgumentException.class, () -> client.newPushConsumer(null));
        }
    }

    @Test
    void shouldRefuseASecondConsumerOfAGroupUntilTheFirstCloses()
    {
        try (RockletClient client = RockletClients.create(cluster.clientConfig().build(), cluster.transport))
        {
            final PullConsumer first = client.newPullConsumer(PullConsumerConfig.builder("cg").build());

            assertThrows(InvalidArgumentException.class,
                () -> client.newPullConsumer(PullConsumerConfig.builder("cg").build()), "not subscribed yet");
            assertThrows(InvalidArgumentException.class, () -> client.newPushConsumer(PushConsumerConfig
                .builder("cg").subscribe("orders", "*").listener(messages -> ConsumeResult.SUCCESS).build()));
            first.close();
            client.newPullConsumer(PullConsumerConfig.builder("cg").build()).close();
        }
    }

    @Test
    void shouldRefuseMissingArguments()
    {
        assertThrows(InvalidArgumentException.class, () -> RockletClients.create(null, cluster.transport));
        assertThrows(InvalidArgumentException.class,
            () -> RockletClients.create(cluster.clientConfig().build(), null));
        try (RockletClient client = RockletClients.create(cluster.clientConfig().build(), cluster.transport))
        {
            assertThrows(InvalidArgumentException.class, () -> client.newProducer(null));
        }
    }
}
