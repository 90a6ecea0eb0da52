package io.rocklet.examples.orders;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.SendReceipt;

/**
 * The example shop's order service: it publishes an event per change of an order to the orders topic, tagged with
 * what happened ({@code placed}, {@code cancelled}), keyed by the order id, with the customer as a property, and sent
 * with the order id as sharding key so that the events of one order stay in order. The producer and the topic are
 * given to it, so a test can hand it a test broker's topic, or a {@code MockProducer}.
 */
public final class OrderService
{
    public static final String PLACED = "placed";
    public static final String CANCELLED = "cancelled";

    private final Producer producer;
    private final String topic;

    public OrderService(final Producer producer, final String topic)
    {
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * Publishes {@code order} as placed.
     */
    public SendReceipt place(final Order order)
    {
        return publish(PLACED, order);
    }

    /**
     * Publishes {@code order} as cancelled.
     */
    public SendReceipt cancel(final Order order)
    {
        return publish(CANCELLED, order);
    }

    private SendReceipt publish(final String event, final Order order)
    {
        final Message message = Message.builder(topic).tag(event).key(order.id())
            .property("customer", order.customer()).body(order.toJson()).build();
        return producer.send(message, order.id());
    }
}
