package io.rocklet.cluster;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeMode;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.testkit.MessageAccounting;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ClientMain}'s consumer: a push consumer of one topic whose listener books every message it accepts. With
 * {@code --fail-every N} it answers RECONSUME_LATER, without booking, to the first delivery of every message whose
 * sequence is a multiple of N (so that it comes back through the retry topic). It counts listener calls that
 * overlapped on one queue (an orderly consumer must have none) and deliveries of redelivered messages.
 */
final class ConsumerRole implements ClientMain.Role
{
    private final RockletClient client;
    private final String name;
    private final String topic;
    private final long failEvery;
    private final MessageAccounting accounting;
    private final PushConsumerConfig config;
    private final Map<MessageQueue, AtomicInteger> running = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong failedOnPurpose = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong overlaps = new AtomicLong();
    private volatile PushConsumer consumer;

    ConsumerRole(final RockletClient client, final String name, final Map<String, String> options,
        final MessageAccounting accounting)
    {
        this.client = client;
        this.name = name;
        this.topic = ClientMain.required(options, "topic");
        this.failEvery = ClientMain.number(options, "fail-every", 0);
        this.accounting = accounting;
        final PushConsumerConfig.Builder builder = PushConsumerConfig.builder(ClientMain.required(options, "group"))
            .subscribe(topic, options.getOrDefault("tags", "*"))
            .consumeFrom(ConsumeFrom.FIRST)
            .consumeThreads(2)
            .persistOffsetInterval(Duration.ofMillis(ClientMain.number(options, "commit-ms", 5000)))
            .longPollTimeout(Duration.ofMillis(ClientMain.number(options, "long-poll-ms", 15_000)))
            .listener(this::consume);
        if (options.containsKey("orderly"))
        {
            builder.consumeMode(ConsumeMode.ORDERLY);
        }
        if ("broadcasting".equals(options.get("model")))
        {
            builder.messageModel(MessageModel.BROADCASTING)
                .offsetStoreDirectory(Path.of(ClientMain.required(options, "offsets")));
        }
        this.config = builder.build();
    }

    @Override
    public CompletableFuture<Void> start()
    {
        consumer = client.newPushConsumer(config);
        return new CompletableFuture<>();
    }

    @Override
    public String counts()
    {
        final PushConsumer started = consumer;
        final long assigned = started == null ? 0 :
            started.assignment().stream().filter(queue -> queue.topic().equals(topic)).count();
        return "received=" + received.get() + " assigned=" + assigned + " failedOnPurpose=" + failedOnPurpose.get() +
            " redelivered=" + redelivered.get() + " overlaps=" + overlaps.get();
    }

    @Override
    public void stop()
    {
        consumer.close();
    }

    private ConsumeResult consume(final List<ReceivedMessage> messages)
    {
        final AtomicInteger inQueue = running.computeIfAbsent(messages.get(0).queue(), q -> new AtomicInteger());
        if (inQueue.incrementAndGet() > 1)
        {
            overlaps.incrementAndGet();
        }
        try
        {
            for (final ReceivedMessage message : messages)
            {
                final String[] body = new String(message.bodyBytes(), StandardCharsets.UTF_8).split(" ");
                final long sequence = Long.parseLong(body[1]);
                if (failEvery > 0 && sequence % failEvery == 0 && message.reconsumeTimes() == 0)
                {
                    failedOnPurpose.incrementAndGet();
                    return ConsumeResult.RECONSUME_LATER;
                }
                if (message.reconsumeTimes() > 0)
                {
                    redelivered.incrementAndGet();
                }
                accounting.received(body[0], sequence, name);
                received.incrementAndGet();
            }
            return ConsumeResult.SUCCESS;
        }
        finally
        {
            inQueue.decrementAndGet();
        }
    }
}
