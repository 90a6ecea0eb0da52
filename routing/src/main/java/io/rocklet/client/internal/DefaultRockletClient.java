package io.rocklet.client.internal;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.ClosedException;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TransactionChecker;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.spi.Transport;
import io.rocklet.client.consumer.PullConsumerImpl;
import io.rocklet.client.consumer.PushConsumerImpl;
import io.rocklet.client.admin.DefaultAdmin;
import io.rocklet.client.producer.DefaultProducer;
import io.rocklet.client.producer.DefaultTransactionProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client: one {@link DefaultClientContext} shared by the producers and consumers it makes, and the admin.
 * Closing it closes everything it made (each resource closes idempotently, so a resource the application
 * closed earlier is harmless), then the context. The transport stays open: it is the caller's. Thread-safe.
 */
public final class DefaultRockletClient implements RockletClient
{
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRockletClient.class);

    private final DefaultClientContext context;
    private final DefaultAdmin admin;
    private final Set<AutoCloseable> resources = ConcurrentHashMap.newKeySet();
    /** Groups of this client's open consumers (a client is one member of a group); guarded by this. */
    private final Set<String> consumerGroups = new HashSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public DefaultRockletClient(final ClientConfig config, final Transport transport)
    {
        this.context = new DefaultClientContext(config, transport);
        this.admin = new DefaultAdmin(context);
    }

    @Override
    public Producer newProducer(final ProducerConfig config)
    {
        checkOpen();
        if (config == null)
        {
            throw new InvalidArgumentException("cannot create producer: config=null");
        }
        return track(new DefaultProducer(context, config, this::untrack));
    }

    @Override
    public TransactionProducer newTransactionProducer(final ProducerConfig config, final TransactionChecker checker)
    {
        checkOpen();
        if (config == null || checker == null)
        {
            throw new InvalidArgumentException("cannot create transaction producer: config=" + config +
                ", checker=" + checker);
        }
        return track(new DefaultTransactionProducer(context, config, checker, this::untrack));
    }

    @Override
    public synchronized PushConsumer newPushConsumer(final PushConsumerConfig config)
    {
        checkOpen();
        if (config == null)
        {
            throw new InvalidArgumentException("cannot create push consumer: config=null");
        }
        takeGroup(config.group());
        try
        {
            return track(new PushConsumerImpl(context, config, consumer -> release(config.group(), consumer)));
        }
        catch (final RuntimeException e)
        {
            release(config.group(), null);
            throw e;
        }
    }

    @Override
    public synchronized PullConsumer newPullConsumer(final PullConsumerConfig config)
    {
        checkOpen();
        if (config == null)
        {
            throw new InvalidArgumentException("cannot create pull consumer: config=null");
        }
        takeGroup(config.group());
        try
        {
            return track(new PullConsumerImpl(context, config, consumer -> release(config.group(), consumer)));
        }
        catch (final RuntimeException e)
        {
            release(config.group(), null);
            throw e;
        }
    }

    @Override
    public Admin admin()
    {
        checkOpen();
        return admin;
    }

    @Override
    public String clientId()
    {
        return context.clientId();
    }

    /**
     * @return the context the client's producers and consumers share.
     */
    public DefaultClientContext context()
    {
        return context;
    }

    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        final List<AutoCloseable> open = new ArrayList<>(resources);
        for (final AutoCloseable resource : open)
        {
            try
            {
                resource.close();
            }
            catch (final Exception e)
            {
                LOG.warn("close failed: clientId={}, resource={}", context.clientId(), resource, e);
            }
        }
        resources.clear();
        context.close();
    }

    /**
     * Remembers a producer or consumer to close with the client; a resource made after the client closed is
     * closed at once and refused.
     *
     * @return {@code resource}.
     */
    /**
     * A client is one member of a consumer group (brokers know members by client id): takes the group for a new
     * consumer, whether or not an earlier one registered with the brokers yet (a pull consumer does only when it
     * subscribes). Call holding this object's monitor.
     */
    private void takeGroup(final String group)
    {
        if (!consumerGroups.add(group))
        {
            throw new InvalidArgumentException("consumer group already has a consumer in this client: group=" +
                group + ", clientId=" + context.clientId() + "; each member of a group needs its own client");
        }
    }

    /**
     * Frees the group of a consumer that closed (or failed to start: {@code consumer} null), and forgets it.
     */
    private synchronized void release(final String group, final AutoCloseable consumer)
    {
        consumerGroups.remove(group);
        untrack(consumer);
    }

    <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        if (closed.get() && resources.remove(resource))
        {
            closeQuietly(resource);
            throw new ClosedException("client closed: clientId=" + context.clientId());
        }
        return resource;
    }

    /**
     * Forgets a resource the application closed.
     */
    void untrack(final AutoCloseable resource)
    {
        if (resource != null)
        {
            resources.remove(resource);
        }
    }

    private void checkOpen()
    {
        if (closed.get())
        {
            throw new ClosedException("client closed: clientId=" + context.clientId());
        }
    }

    private void closeQuietly(final AutoCloseable resource)
    {
        try
        {
            resource.close();
        }
        catch (final Exception e)
        {
            LOG.warn("close failed: clientId={}, resource={}", context.clientId(), resource, e);
        }
    }
}
