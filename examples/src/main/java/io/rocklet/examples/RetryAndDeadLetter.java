package io.rocklet.examples;

import io.rocklet.api.Admin;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.ResentMessage;
import io.rocklet.embedded.EmbeddedRocklet;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Retry and the dead-letter queue: a consumer fails one "poison" payment. The broker redelivers it through the
 * group's retry topic with a growing back-off (delay levels shortened here to 100 ms x level, so retries wait
 * 300 ms, then 400 ms), and after {@code maxReconsumeTimes} redeliveries moves it to {@code %DLQ%billing}. The
 * admin lists the dead letter with its origin; once the consumer is fixed, the admin re-sends it to the original
 * topic and it is consumed.
 *
 * <p>Run: {@code java -jar examples/target/rocklet-demo.jar retry}.
 */
public final class RetryAndDeadLetter
{
    static final int MAX_RECONSUME_TIMES = 2;
    private static final String TOPIC = "payments";
    private static final String GROUP = "billing";

    /**
     * What the run showed.
     *
     * @param poisonAttempts the reconsume count of each failed delivery of the poison payment.
     * @param deadLetters    the group's dead letters as the admin listed them.
     * @param resent         what the admin re-sent.
     * @param consumedOk     the payments consumed successfully, in order (the re-sent one last).
     */
    record Outcome(List<Integer> poisonAttempts, List<MessageDetail> deadLetters, ResentMessage resent,
        List<String> consumedOk)
    {
    }

    private RetryAndDeadLetter()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        run(System.out);
    }

    static Outcome run(final PrintStream out) throws InterruptedException
    {
        final List<Duration> levels = new ArrayList<>();
        for (int level = 1; level <= 18; level++)
        {
            levels.add(Duration.ofMillis(100L * level));
        }
        final List<Integer> attempts = new CopyOnWriteArrayList<>();
        final List<String> consumed = new CopyOnWriteArrayList<>();
        final AtomicBoolean fixed = new AtomicBoolean();
        final CountDownLatch resentConsumed = new CountDownLatch(1);
        final long started = System.nanoTime();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().delayLevels(levels).start())
        {
            rocklet.createTopic(TOPIC, 2);
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder(GROUP)
                .subscribe(TOPIC, "*")
                .maxReconsumeTimes(MAX_RECONSUME_TIMES)
                .listener(messages ->
                {
                    for (final ReceivedMessage message : messages)
                    {
                        final String body = ExampleSupport.text(message.bodyBytes());
                        if (body.startsWith("poison") && !fixed.get())
                        {
                            attempts.add(message.reconsumeTimes());
                            out.printf("  +%4d ms  %s failed (reconsumeTimes=%d, from %s)%n",
                                (System.nanoTime() - started) / 1_000_000, body, message.reconsumeTimes(),
                                message.queue().topic());
                            return ConsumeResult.RECONSUME_LATER;
                        }
                        consumed.add(body);
                        if (body.startsWith("poison"))
                        {
                            resentConsumed.countDown();
                        }
                    }
                    return ConsumeResult.SUCCESS;
                })
                .build());
            final Producer producer = rocklet.newProducer("checkout");
            for (final String payment : List.of("payment-1", "poison-payment", "payment-2"))
            {
                producer.send(Message.builder(TOPIC).key(payment).property("amount", "42.00").body(payment).build());
            }

            final Admin admin = rocklet.admin();
            ExampleSupport.await(Duration.ofSeconds(10), () -> !admin.deadLetters(GROUP, 10).isEmpty());
            final List<MessageDetail> dead = admin.deadLetters(GROUP, 10);
            out.printf("dead letters of %s: %d%n", GROUP, dead.size());
            for (final MessageDetail letter : dead)
            {
                out.printf("  %s in %s: origin=%s, reconsumeTimes=%d, keys=%s, properties=%s, body=%s%n",
                    letter.messageId(), letter.topic(), letter.originTopic(), letter.reconsumeTimes(), letter.keys(),
                    letter.userProperties(), letter.bodyText());
            }
            if (dead.isEmpty())
            {
                consumer.close();
                return new Outcome(List.copyOf(attempts), dead, null, List.copyOf(consumed));
            }

            fixed.set(true); // the bug is fixed: now re-send the dead letter
            final ResentMessage resent = admin.resendDeadLetter(GROUP, dead.get(0).messageId());
            out.printf("re-sent %s to %s as %s%n", resent.deadLetterId(), resent.receipt().queue(),
                resent.receipt().messageId());
            final boolean ok = resentConsumed.await(10, TimeUnit.SECONDS);
            out.printf("re-sent payment consumed: %s; consumed in all: %s%n", ok, consumed);
            consumer.close();
            return new Outcome(List.copyOf(attempts), dead, resent, List.copyOf(consumed));
        }
    }
}
