package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.ReceivedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls the application's listener: the one place that catches whatever the listener throws. A
 * throw, a null verdict or RECONSUME_LATER is a failure; failures are logged at most once a second
 * (the rest at debug), so a failing listener cannot flood the log. Thread-safe.
 */
final class ListenerInvoker
{
    private static final Logger LOG = LoggerFactory.getLogger(ListenerInvoker.class);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String group;
    private final MessageListener listener;
    private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());

    ListenerInvoker(final String group, final MessageListener listener)
    {
        this.group = group;
        this.listener = listener;
    }

    /**
     * @return true when the listener returned SUCCESS for the batch.
     */
    boolean consume(final List<ReceivedMessageImpl> batch)
    {
        final List<ReceivedMessage> messages = Collections.unmodifiableList(batch);
        try
        {
            final ConsumeResult result = listener.consume(messages);
            if (result == ConsumeResult.SUCCESS)
            {
                return true;
            }
            if (result == null)
            {
                report("listener returned null (counted as RECONSUME_LATER)", batch, null);
            }
            return false;
        }
        catch (final Throwable ex)
        {
            report("listener threw (counted as RECONSUME_LATER)", batch, ex);
            return false;
        }
    }

    private void report(final String what, final List<ReceivedMessageImpl> batch, final Throwable error)
    {
        final long now = System.nanoTime();
        final long due = nextWarnNanos.get();
        if (now - due >= 0 && nextWarnNanos.compareAndSet(due, now + WARN_INTERVAL_NANOS))
        {
            LOG.warn("{}: group={}, queue={}, firstOffset={}, messages={}", what, group, batch.get(0).queue(),
                batch.get(0).queueOffset(), batch.size(), error);
        }
        else if (LOG.isDebugEnabled())
        {
            LOG.debug("{}: group={}, queue={}, firstOffset={}, messages={}", what, group, batch.get(0).queue(),
                batch.get(0).queueOffset(), batch.size(), error);
        }
    }
}
