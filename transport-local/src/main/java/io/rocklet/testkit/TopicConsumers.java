package io.rocklet.testkit;

import io.rocklet.api.ClosedException;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.client.RockletClients;
import io.rocklet.embedded.EmbeddedRocklet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Consumers made for a test, each on a client of its own (another member of its group, as another application
 * instance would be), all closed together. The clients are not registered with the {@link EmbeddedRocklet}, so a
 * broker shared by many tests does not keep them after their tests. Thread-safe.
 */
final class TopicConsumers implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TopicConsumers.class);

    private final EmbeddedRocklet rocklet;
    private final List<RockletClient> clients = new ArrayList<>();
    private boolean closed;

    TopicConsumers(final EmbeddedRocklet rocklet)
    {
        this.rocklet = rocklet;
    }

    synchronized PushConsumer push(final PushConsumerConfig config)
    {
        final RockletClient client = newClient();
        try
        {
            return client.newPushConsumer(config);
        }
        catch (final RuntimeException e)
        {
            forget(client);
            throw e;
        }
    }

    /**
     * @return a pull consumer subscribed to {@code topic}, all tags.
     */
    synchronized PullConsumer pull(final PullConsumerConfig config, final String topic)
    {
        final RockletClient client = newClient();
        try
        {
            final PullConsumer consumer = client.newPullConsumer(config);
            consumer.subscribe(topic, "*");
            return consumer;
        }
        catch (final RuntimeException e)
        {
            forget(client);
            throw e;
        }
    }

    /**
     * Closes every client and so their consumers, newest first. Idempotent.
     */
    @Override
    public void close()
    {
        final List<RockletClient> toClose;
        synchronized (this)
        {
            closed = true;
            toClose = new ArrayList<>(clients);
            clients.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            try
            {
                toClose.get(i).close();
            }
            catch (final RuntimeException e)
            {
                LOG.warn("closing a test client failed: clientId={}, error={}", toClose.get(i).clientId(),
                    e.toString(), e);
            }
        }
    }

    private RockletClient newClient()
    {
        if (closed)
        {
            throw new ClosedException("test consumers closed: no new consumer after the test");
        }
        final RockletClient client = RockletClients.create(rocklet.clientConfig(), rocklet.transport());
        clients.add(client);
        return client;
    }

    private void forget(final RockletClient client)
    {
        clients.remove(client);
        client.close();
    }
}
