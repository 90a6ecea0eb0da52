package io.rocklet.testkit;

import io.rocklet.api.Message;
import io.rocklet.api.Transaction;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The test kit's view of transactions: a transactional producer of the topic's transaction group, and the open
 * transactions of the topic, as an application's test would assert on them.
 */
@Timeout(30)
class TransactionTestKitTest
{
    @RegisterExtension
    static final RockletExtension ROCKLET = RockletExtension.perClass();

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void shouldListTheOpenTransactionWhenBegunAndDeliverItWhenCommitted(final TestTopic orders)
    {
        final TransactionProducer producer = orders.transactionProducer((message, id) -> TransactionResolution.UNKNOWN);
        final Transaction transaction = producer.begin(Message.builder(orders.name()).key("order-7").body("paid")
            .build());

        final List<TransactionInfo> open = orders.openTransactions();
        assertEquals(1, open.size());
        assertEquals(transaction.messageId(), open.get(0).messageId());
        assertEquals(0, orders.messageCount(), "the half message is not in the topic");

        transaction.commit();
        assertEquals(List.of(), orders.openTransactions());
        assertEquals(transaction.messageId(), orders.receive(1, WAIT).get(0).messageId());
    }
}
