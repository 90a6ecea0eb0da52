package io.rocklet.testkit;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.ReceivedMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link MessageListener} that records every message it is called with, and lets a test wait until a number of
 * them arrived:
 *
 * <pre>{@code
 * RecordingListener listener = RecordingListener.delegatingTo(new BillingListener(ledger));
 * rocklet.newPushConsumer(PushConsumerConfig.builder("billing").subscribe("orders", "*").listener(listener).build());
 * ...
 * listener.awaitCount(5, Duration.ofSeconds(2));   // fails: "expected 5 messages at ... within 2 s, received 3: [...]"
 * }</pre>
 *
 * It records deliveries: a message redelivered after a failure is recorded each time. With a delegate, messages are
 * recorded before the delegate is called and its verdict is returned; without one, every call succeeds.
 * Thread-safe: consume threads record while the test thread waits.
 */
public final class RecordingListener implements MessageListener
{
    private final MessageListener delegate;
    private final String description;
    private final Supplier<List<SentMessage>> sent;
    private final List<ReceivedMessage> received = new ArrayList<>();

    RecordingListener(final MessageListener delegate, final String description,
        final Supplier<List<SentMessage>> sent)
    {
        this.delegate = delegate;
        this.description = description;
        this.sent = sent;
    }

    /**
     * @return a listener that records and succeeds.
     */
    public static RecordingListener create()
    {
        return new RecordingListener(null, "at the recording listener", List::of);
    }

    /**
     * @param delegate the application's listener, called after each recording; its verdict is returned.
     * @return a listener that records, then delegates.
     */
    public static RecordingListener delegatingTo(final MessageListener delegate)
    {
        Arguments.notNull(delegate, "delegate", "RecordingListener.delegatingTo");
        return new RecordingListener(delegate, "at the recording listener", List::of);
    }

    @Override
    public ConsumeResult consume(final List<ReceivedMessage> messages)
    {
        synchronized (received)
        {
            received.addAll(messages);
            received.notifyAll();
        }
        return delegate == null ? ConsumeResult.SUCCESS : delegate.consume(messages);
    }

    /**
     * Waits until at least {@code count} messages were recorded.
     *
     * @param count   deliveries to wait for (0 returns at once).
     * @param timeout how long to wait at most.
     * @return every message recorded so far (at least {@code count}), in arrival order.
     * @throws AssertionError when fewer arrived within {@code timeout}, listing those that did (and those the
     *                        test kit sent that did not).
     */
    public List<ReceivedMessage> awaitCount(final int count, final Duration timeout)
    {
        Arguments.count(count, "awaitCount");
        Arguments.timeout(timeout, "awaitCount");
        final long deadlineNs = Waits.deadline(timeout);
        synchronized (received)
        {
            while (received.size() < count)
            {
                final long remainingNs = Waits.remainingNs(deadlineNs);
                if (remainingNs <= 0)
                {
                    throw new AssertionError(Describe.timeout(description, count, timeout, List.copyOf(received),
                        sent.get()));
                }
                waitFor(remainingNs);
            }
            return List.copyOf(received);
        }
    }

    /**
     * @return every message recorded so far, in arrival order.
     */
    public List<ReceivedMessage> messages()
    {
        synchronized (received)
        {
            return List.copyOf(received);
        }
    }

    /**
     * @return the bodies of the messages recorded so far as UTF-8 text, in arrival order.
     */
    public List<String> bodies()
    {
        return messages().stream().map(message -> new String(message.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }

    /**
     * @return how many messages were recorded.
     */
    public int count()
    {
        synchronized (received)
        {
            return received.size();
        }
    }

    /**
     * Forgets what was recorded; {@link #awaitCount} counts from zero again.
     */
    public void clear()
    {
        synchronized (received)
        {
            received.clear();
        }
    }

    @Override
    public String toString()
    {
        return "RecordingListener{" + description + ", recorded=" + count() + '}';
    }

    private void waitFor(final long nanos)
    {
        try
        {
            TimeUnit.NANOSECONDS.timedWait(received, nanos);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for messages " + description, e);
        }
    }
}
