package io.rocklet.broker;

import io.rocklet.api.Message;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionStatus;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.ThreadingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.rocklet.broker.BrokerFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The broker's transaction state from the log: the checkpoint cut short or missing (the open transactions are
 * rebuilt from the half and op records), and a crash between a commit's message and its op record (the committed
 * copy is found by its unique id: neither a repeated commit nor a check-back delivers it again).
 */
@Timeout(60)
class BrokerTransactionTest
{
    static final String GROUP = "txn-pg";

    @TempDir
    Path dir;
    BrokerFixture fixture;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir.resolve("a"));
        fixture.start();
        await(fixture.broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldRebuildTheOpenTransactionsFromTheLogWhenTheCheckpointIsCutOrMissing() throws IOException
    {
        final SendResult first = half("first");
        final SendResult second = half("second");
        final SendResult third = half("third");
        assertEquals(EndTransactionStatus.COMMITTED, end(second, TransactionResolution.COMMIT));
        fixture.restart(); // a clean close writes the checkpoint
        final Path checkpoint = dir.resolve("a/store/broker/transactionCheckpoint");
        assertEquals(List.of(first.messageId(), third.messageId()), openIds());

        final List<String> lines = Files.readAllLines(checkpoint);
        fixture.broker.close();
        for (int keep = 1; keep < lines.size(); keep++) // cut after each line: the header, then each record
        {
            Files.write(checkpoint, lines.subList(0, keep));
            fixture.start();
            assertEquals(List.of(first.messageId(), third.messageId()), openIds(), "checkpoint cut after " + keep +
                " lines of " + lines);
            fixture.broker.close();
            Files.write(checkpoint, lines);
        }
        fixture.start();

        fixture.broker.close();
        Files.delete(checkpoint);
        fixture.start();
        assertEquals(List.of(first.messageId(), third.messageId()), openIds(), "no checkpoint");
        assertEquals(EndTransactionStatus.ALREADY_COMMITTED, end(second, TransactionResolution.COMMIT));
        fixture.drain();
        assertEquals(List.of("second"), texts(), "delivered once");
    }

    @Test
    void shouldNotDeliverAgainWhenTheCommittedCopyWasStoredButNotItsOpRecord()
    {
        final SendResult repeated = half("repeated");
        final SendResult checked = half("checked");
        fixture.broker.close();
        commitWithoutOpRecord(repeated.queueOffset());
        commitWithoutOpRecord(checked.queueOffset());
        final List<TransactionCheck> asked = new ArrayList<>();
        fixture.start();
        fixture.broker.watchTransactionChecks(GROUP, "producer-1", asked::add);
        assertEquals(2, openIds().size(), "both look open: no op record");

        assertEquals(EndTransactionStatus.ALREADY_COMMITTED, end(repeated, TransactionResolution.COMMIT));
        fixture.advance(Duration.ofSeconds(30));
        fixture.drain();
        assertEquals(List.of(), asked, "a committed transaction is never checked");
        assertEquals(List.of(), openIds());
        assertEquals(List.of("repeated", "checked"), texts(), "each once");
    }

    private SendResult half(final String body)
    {
        final SendResult result = await(fixture.broker.send(new io.rocklet.api.spi.BrokerService.SendRequest(GROUP,
            "producer-1", Message.builder("orders").property(SystemProperties.TRANSACTION_PREPARED, "true")
            .body(body).build(), 0, fixture.clock.time(), 0)));
        fixture.drain();
        return result;
    }

    private EndTransactionStatus end(final SendResult half, final TransactionResolution resolution)
    {
        return await(fixture.broker.endTransaction(new EndTransactionRequest(GROUP, "orders", half.messageId(),
            half.queueOffset(), resolution, false)));
    }

    private List<String> openIds()
    {
        return await(fixture.broker.transactions(GROUP)).stream().map(TransactionInfo::messageId).toList();
    }

    private List<String> texts()
    {
        return fixture.pullNow("orders", 0, 0).messages().stream().map(BrokerFixture::text).toList();
    }

    /**
     * What a crash between the two appends of a commit leaves: the message in its topic, no op record.
     */
    private void commitWithoutOpRecord(final long halfOffset)
    {
        try (MessageStore store = MessageStores.open(fixture.config.build().storeConfig().toBuilder()
            .threadingMode(ThreadingMode.SHARED).build()))
        {
            final StoredMessage half = store.read(SystemTopics.TRANSACTION_HALF_TOPIC, 0, halfOffset, 1, 1 << 20,
                TagFilter.ALL).messages().get(0);
            final Map<String, String> properties = new HashMap<>(half.properties());
            properties.remove(SystemProperties.REAL_TOPIC);
            properties.remove(SystemProperties.REAL_QUEUE_ID);
            properties.remove(SystemProperties.TRANSACTION_PREPARED);
            properties.remove(SystemProperties.PRODUCER_GROUP);
            store.append(new AppendRequest(new Message("orders", "", List.of(), properties, half.bodyBytes()), 0,
                half.bornTimestampMs(), half.producerId(), 0, half.logOffset(), 0));
            store.whenReadable().join();
        }
    }
}
