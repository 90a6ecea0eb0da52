package io.rocklet.cluster;

import io.rocklet.api.Message;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.TransactionResolution;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ClientMain}'s transactional producer ({@code txn-producer}): begins {@code --count} transactions of
 * {@code --topic} in producer group {@code --group}, bodies {@code txn-<i>}, and never ends them (the test kills it
 * between half and outcome); its checker answers {@code --answer unknown} (always UNKNOWN) or {@code --answer body}
 * (COMMIT for an even {@code i}, ROLLBACK for an odd one). Counts: {@code begun}, {@code committed},
 * {@code rolledBack} (checks it answered), {@code unknown}. It runs until STOP.
 */
final class TransactionRole implements ClientMain.Role
{
    private final TransactionProducer producer;
    private final String topic;
    private final long count;
    private final boolean byBody;
    private final AtomicLong begun = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final Thread sender;

    TransactionRole(final RockletClient client, final String name, final Map<String, String> options)
    {
        this.topic = ClientMain.required(options, "topic");
        this.count = ClientMain.number(options, "count", 0);
        this.byBody = options.getOrDefault("answer", "unknown").equals("body");
        this.producer = client.newTransactionProducer(ProducerConfig.builder(ClientMain.required(options, "group"))
            .build(), (message, id) -> answer(new String(message.body(), StandardCharsets.UTF_8)));
        this.sender = new Thread(this::beginAll, "transactions-" + name);
    }

    @Override
    public CompletableFuture<Void> start()
    {
        sender.start();
        return new CompletableFuture<>(); // until STOP
    }

    @Override
    public String counts()
    {
        return "begun=" + begun + " committed=" + committed + " rolledBack=" + rolledBack + " unknown=" + unknown;
    }

    @Override
    public void stop()
    {
        producer.close();
    }

    private void beginAll()
    {
        for (long i = 0; i < count; i++)
        {
            producer.begin(Message.builder(topic).body("txn-" + i).build());
            begun.incrementAndGet();
        }
    }

    private TransactionResolution answer(final String body)
    {
        if (!byBody)
        {
            unknown.incrementAndGet();
            return TransactionResolution.UNKNOWN;
        }
        final long i = Long.parseLong(body.substring("txn-".length()));
        if (i % 2 == 0)
        {
            committed.incrementAndGet();
            return TransactionResolution.COMMIT;
        }
        rolledBack.incrementAndGet();
        return TransactionResolution.ROLLBACK;
    }
}
