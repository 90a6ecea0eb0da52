package io.rocklet.broker;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.broker.internal.PullService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static io.rocklet.broker.BrokerFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pulls with an SQL92 filter: only matching messages are returned, offsets move past the others.
 */
@Timeout(60)
class BrokerSqlFilterTest
{
    @TempDir
    Path dir;
    BrokerFixture fixture;
    Broker broker;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
        broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldReturnOnlyMatchingMessagesWhenPulledWithSqlFilter()
    {
        send("eu", 50, "A");
        send("eu", 150, "A");
        send("us", 500, "A");
        send("eu", 200, "B");
        fixture.drain();

        final PullResult pulled = await(broker.pull(sql("region = 'eu' AND amount > 100", "*", 0, 32, 0)));

        assertEquals(PullStatus.FOUND, pulled.status());
        assertEquals(List.of("eu-150", "eu-200"), bodies(pulled));
        assertEquals(4, pulled.nextOffset());
        final PullResult withTag = await(broker.pull(sql("region = 'eu' AND amount > 100", "B", 0, 32, 0)));
        assertEquals(List.of("eu-200"), bodies(withTag), "the tag check comes first");
        final PullResult byTagsField = await(broker.pull(sql("TAGS = 'B'", "*", 0, 32, 0)));
        assertEquals(List.of("eu-200"), bodies(byTagsField));
    }

    @Test
    void shouldMatchPropertiesReadInPlaceWhateverTheirNamesAndKeys()
    {
        fixture.send(Message.builder("orders").keys("k1", "k2").property("region", "eu").property("re", "x")
            .property("reg", "").body("a").build(), 0, 0);
        fixture.send(Message.builder("orders").property("region", "us").body("b").build(), 0, 0);
        fixture.drain();

        assertEquals(List.of("a"), bodies(await(broker.pull(sql("region = 'eu'", "*", 0, 32, 0)))));
        assertEquals(List.of("a"), bodies(await(broker.pull(sql("re = 'x' AND reg = ''", "*", 0, 32, 0)))),
            "names of other lengths and an empty value");
        assertEquals(List.of("b"), bodies(await(broker.pull(sql("re IS NULL", "*", 0, 32, 0)))));
        assertEquals(List.of("a"), bodies(await(broker.pull(sql("KEYS = 'k1 k2'", "*", 0, 32, 0)))));
    }

    @Test
    void shouldReadPastBatchesWithoutMatchWhenTheFirstBatchHasNone()
    {
        for (int i = 0; i < 10; i++)
        {
            send("us", i, "A");
        }
        send("eu", 7, "A");
        fixture.drain();

        final PullResult pulled = await(broker.pull(sql("region = 'eu'", "*", 0, 2, 0)));

        assertEquals(PullStatus.FOUND, pulled.status());
        assertEquals(List.of("eu-7"), bodies(pulled));
        assertEquals(11, pulled.nextOffset());
    }

    @Test
    void shouldAnswerNoMatchedMessageAtOnceWithOffsetPastSkippedWhenNothingMatches()
    {
        send("us", 1, "A");
        send("us", 2, "A");
        send("us", 3, "A");
        fixture.drain();

        final CompletableFuture<PullResult> pulled = broker.pull(sql("region = 'eu'", "*", 0, 2, 30_000));

        assertTrue(pulled.isDone(), "not held for the long poll");
        assertEquals(PullStatus.NO_MATCHED_MESSAGE, await(pulled).status());
        assertEquals(3, await(pulled).nextOffset());
    }

    @Test
    void shouldStopScanningWhenScanLimitReached()
    {
        final int count = PullService.MAX_SQL_SCAN + 10;
        for (int i = 0; i < count; i++)
        {
            send("us", i, "A");
        }
        fixture.drain();

        final PullResult pulled = await(broker.pull(sql("region = 'eu'", "*", 0, 32, 0)));

        assertEquals(PullStatus.NO_MATCHED_MESSAGE, pulled.status());
        assertEquals(PullService.MAX_SQL_SCAN, pulled.nextOffset());
        final PullResult rest = await(broker.pull(sql("region = 'eu'", "*", pulled.nextOffset(), 32, 0)));
        assertEquals(count, rest.nextOffset());
    }

    @Test
    void shouldAnswerHeldPullWhenMatchingMessageArrives()
    {
        final CompletableFuture<PullResult> held = broker.pull(sql("amount >= 10", "*", 0, 32, 30_000));
        assertFalse(held.isDone());

        send("eu", 5, "A");
        fixture.drain();
        final PullResult skipped = await(held);
        assertEquals(PullStatus.NO_MATCHED_MESSAGE, skipped.status());
        assertEquals(1, skipped.nextOffset());

        final CompletableFuture<PullResult> next = broker.pull(sql("amount >= 10", "*", 1, 32, 30_000));
        assertFalse(next.isDone());
        send("eu", 10, "A");
        fixture.drain();
        assertEquals(List.of("eu-10"), bodies(await(next)));
    }

    @Test
    void shouldRejectPullWhenSqlExpressionIsMalformed()
    {
        Throwable cause;
        try
        {
            cause = broker.pull(sql("region = ", "*", 0, 32, 0)).handle((result, error) -> error).join();
        }
        catch (final RuntimeException e)
        {
            cause = e;
        }
        cause = cause instanceof CompletionException ? cause.getCause() : cause;
        assertInstanceOf(InvalidArgumentException.class, cause);
        assertTrue(cause.getMessage().contains("position=9"), cause.getMessage());
        assertTrue(cause.getMessage().contains("topic=orders"), cause.getMessage());
    }

    private void send(final String region, final int amount, final String tag)
    {
        fixture.send(Message.builder("orders").tag(tag).property("region", region)
            .property("amount", String.valueOf(amount)).body(region + "-" + amount).build(), 0, 0);
    }

    private static PullRequest sql(final String expression, final String tags, final long offset, final int maxCount,
        final long longPollMs)
    {
        return new PullRequest("g", "orders", 0, offset, maxCount, tags, longPollMs, expression);
    }

    private static List<String> bodies(final PullResult result)
    {
        return result.messages().stream().map(BrokerFixture::text).toList();
    }
}
