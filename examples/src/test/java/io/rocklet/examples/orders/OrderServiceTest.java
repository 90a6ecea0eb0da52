package io.rocklet.examples.orders;

import io.rocklet.api.ReceivedMessage;
import io.rocklet.testkit.RecordingListener;
import io.rocklet.testkit.RockletExtension;
import io.rocklet.testkit.TestTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The order and billing services tested against a real broker embedded in the test JVM, as an application would
 * test them: one broker for the whole test run, a fresh topic and consumer group for each test.
 */
@Timeout(30)
class OrderServiceTest
{
    @RegisterExtension
    static final RockletExtension ROCKLET = RockletExtension.shared();

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void shouldPublishAnOrderPlacedEventWhenAnOrderIsPlaced(final TestTopic orders)
    {
        final OrderService service = new OrderService(orders.producer(), orders.name());

        service.place(new Order("order-42", "customer-7", 1999));

        final ReceivedMessage event = orders.receive(1, WAIT).get(0);
        assertEquals(OrderService.PLACED, event.tag());
        assertEquals(List.of("order-42"), event.keys());
        assertEquals(Map.of("customer", "customer-7"), event.properties());
        assertEquals("{\"id\":\"order-42\",\"customer\":\"customer-7\",\"amountCents\":1999}",
            new String(event.bodyBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldKeepTheEventsOfOneOrderInOrderWhenItIsPlacedThenCancelled(final TestTopic orders)
    {
        final OrderService service = new OrderService(orders.producer(), orders.name());
        final Order order = new Order("order-43", "customer-8", 500);

        service.place(order);
        service.cancel(order);

        final List<ReceivedMessage> events = orders.receive(2, WAIT);
        assertEquals(List.of(OrderService.PLACED, OrderService.CANCELLED),
            events.stream().map(ReceivedMessage::tag).toList());
        assertEquals(1, orders.messageCountPerQueue().values().stream().filter(count -> count > 0).count(),
            "one order, one queue");
    }

    @Test
    void shouldInvoiceEveryPlacedOrderOnceWhenBillingConsumesTheTopic(final TestTopic orders)
    {
        final BillingListener billing = new BillingListener();
        final RecordingListener billed = orders.recordingListener(billing);
        orders.newPushConsumer(orders.pushConsumerConfig().subscribe(orders.name(), OrderService.PLACED)
            .listener(billed).build());
        final OrderService service = new OrderService(orders.producer(), orders.name());

        service.place(new Order("order-1", "customer-1", 1000));
        service.place(new Order("order-2", "customer-2", 2500));
        service.cancel(new Order("order-2", "customer-2", 2500));
        service.place(new Order("order-3", "customer-1", 700));

        billed.awaitCount(3, WAIT);
        orders.awaitConsumed(4, WAIT); // the cancelled event is filtered out by tag, and committed too
        assertEquals(Map.of("order-1", 1000L, "order-2", 2500L, "order-3", 700L), billing.invoices());
    }
}
