package io.rocklet.broker;

import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.store.TestStores;
import io.rocklet.store.ThreadingMode;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A broker for tests: INVOKER broker and store (driven by {@link #drain()}), injected clocks advanced by hand, a
 * small store in a temporary directory, and one {@link RecordingRouter} served at {@link #ROUTER}. Not a test.
 */
final class BrokerFixture implements AutoCloseable
{
    static final String ROUTER = "test://router-1";
    static final String ADDRESS = "test://broker-a";
    static final String BROKER_NAME = "broker-a";

    final CachedEpochClock clock = new CachedEpochClock();
    final CachedNanoClock nanoClock = new CachedNanoClock();
    final TestTransport transport = new TestTransport();
    final RecordingRouter router = new RecordingRouter();
    final BrokerConfig.Builder config;
    Broker broker;

    BrokerFixture(final Path directory)
    {
        clock.update(TestStores.START_MS);
        nanoClock.update(TimeUnit.SECONDS.toNanos(1000));
        transport.serve(ROUTER, router);
        config = BrokerConfig.builder()
            .brokerName(BROKER_NAME)
            .address(ADDRESS)
            .routers(ROUTER)
            .storeConfig(TestStores.small(directory.resolve("store")).build())
            .clock(clock)
            .nanoClock(nanoClock)
            .threadingMode(ThreadingMode.INVOKER);
    }

    Broker start()
    {
        broker = Broker.start(config.build(), transport);
        return broker;
    }

    Broker restart()
    {
        broker.close();
        return start();
    }

    void advance(final Duration duration)
    {
        clock.advance(duration.toMillis());
        nanoClock.advance(duration.toNanos());
    }

    /**
     * Runs the broker (and its store) until neither has anything left to do.
     */
    void drain()
    {
        for (int i = 0; i < 10_000; i++)
        {
            if (broker.doWork() == 0)
            {
                return;
            }
        }
        fail("the broker's agents did not go idle");
    }

    SendResult send(final String topic, final int queueId, final String body)
    {
        return send(Message.builder(topic).body(body).build(), queueId, 0);
    }

    SendResult send(final Message message, final int queueId, final int delayLevel)
    {
        return await(broker.send(new SendRequest("producers", "producer-1", message, queueId, clock.time(),
            delayLevel)));
    }

    CompletableFuture<PullResult> pull(final String topic, final int queueId, final long offset,
        final long longPollTimeoutMs)
    {
        return broker.pull(new PullRequest("group-a", topic, queueId, offset, 32, "*", longPollTimeoutMs));
    }

    PullResult pullNow(final String topic, final int queueId, final long offset)
    {
        return await(pull(topic, queueId, offset, 0));
    }

    static String text(final io.rocklet.api.MessageView message)
    {
        return new String(message.bodyBytes(), StandardCharsets.UTF_8);
    }

    static <T> T await(final CompletableFuture<T> future)
    {
        try
        {
            return future.get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException e)
        {
            throw new AssertionError("call failed: " + e.getCause(), e.getCause());
        }
        catch (final InterruptedException | TimeoutException e)
        {
            throw new AssertionError("call did not complete: " + e, e);
        }
    }

    /**
     * @return the exception the future failed with.
     */
    static RockletException failure(final CompletableFuture<?> future)
    {
        try
        {
            future.get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException e)
        {
            return assertInstanceOf(RockletException.class, e.getCause());
        }
        catch (final InterruptedException | TimeoutException e)
        {
            throw new AssertionError("call did not complete: " + e, e);
        }
        return fail("the call succeeded: " + future.join());
    }

    @Override
    public void close()
    {
        if (broker != null)
        {
            broker.close();
        }
        transport.close();
    }
}
