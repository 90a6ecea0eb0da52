package io.rocklet.examples.orders;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.testkit.MockProducer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The order service with no broker at all: a {@link MockProducer} records what it sends.
 */
class OrderServiceUnitTest
{
    @Test
    void shouldSendOneEventPerChangeKeyedAndShardedByOrderWhenOrdersChange()
    {
        final MockProducer producer = new MockProducer();
        final OrderService service = new OrderService(producer, "orders");
        final Order order = new Order("order-42", "customer-7", 1999);

        service.place(order);
        service.cancel(order);

        final List<Message> sent = producer.history("orders");
        assertEquals(List.of(OrderService.PLACED, OrderService.CANCELLED), sent.stream().map(Message::tag).toList());
        assertEquals(List.of("order-42"), sent.get(0).keys());
        assertEquals("order-42", producer.sent().get(1).shardingKey());
        assertEquals(producer.sent().get(0).receipt().queue(), producer.sent().get(1).receipt().queue());
    }

    @Test
    void shouldReportTheFailureWhenTheBrokerIsBusy()
    {
        final MockProducer producer = new MockProducer();
        producer.failWith(new RockletException(ErrorCode.BUSY, "broker busy"));
        final OrderService service = new OrderService(producer, "orders");

        final RockletException error = assertThrows(RockletException.class,
            () -> service.place(new Order("order-1", "customer-1", 100)));

        assertEquals(ErrorCode.BUSY, error.errorCode());
        assertEquals(List.of(), producer.history());
    }
}
