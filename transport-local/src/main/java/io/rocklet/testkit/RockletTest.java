package io.rocklet.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated test class with an embedded router and broker ({@link RockletExtension}), the annotation form
 * of {@code @RegisterExtension static final RockletExtension ROCKLET = ...}:
 *
 * <pre>{@code
 * @RockletTest
 * class OrderServiceTest
 * {
 *     @Test
 *     void shouldPublishOrderPlacedWhenOrderIsPlaced(TestTopic orders)
 *     {
 *         new OrderService(orders.producer(), orders.name()).place("order-42");
 *         assertEquals("placed", orders.receive(1, Duration.ofSeconds(5)).get(0).tag());
 *     }
 * }
 * }</pre>
 *
 * Test and lifecycle methods may declare parameters of the types {@link RockletExtension} resolves. Use one form
 * per class: the annotation or a registered field, not both.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RockletExtension.class)
public @interface RockletTest
{
    /**
     * @return which tests share the broker: this class ({@link BrokerScope#CLASS}, the default) or the whole run.
     */
    BrokerScope scope() default BrokerScope.CLASS;

    /**
     * @return true for durable store settings (fsync, preallocated files) in the kit's temporary directory;
     *     false (the default) for an ephemeral store that never syncs.
     */
    boolean persistent() default false;

    /**
     * @return queues of each fresh {@link TestTopic} (default 4).
     */
    int topicQueues() default KitSettings.DEFAULT_TOPIC_QUEUES;

    /**
     * @return whether the broker creates a topic on its first send (default true).
     */
    boolean autoCreateTopics() default true;
}
