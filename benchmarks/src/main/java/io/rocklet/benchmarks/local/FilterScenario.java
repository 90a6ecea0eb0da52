package io.rocklet.benchmarks.local;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Broker-side filtering cost: a backlog of 128-byte messages, half tagged and marked {@code kind=A}, is read end to
 * end with pulls of 32 through the embedded broker, once with the tag filter {@code "A"} and once with the SQL92
 * filter {@code kind = 'A' AND amount >= 0}, alternating for several rounds (best of each kept). Figures: messages
 * scanned per second ({@code filter.tag.throughput}, {@code filter.sql.throughput}) and their ratio
 * ({@code filter.sql.throughput_vs_tag}). The tag filter skips by the consume queue's tag code without reading a
 * record; the SQL filter reads every record and evaluates the expression on its properties.
 */
final class FilterScenario
{
    static final String NAME = "filter.sql.throughput";
    private static final String TOPIC = "filter-bench";
    private static final String SQL = "kind = 'A' AND amount >= 0";
    private static final int BATCH = 256;

    private final Results results;
    private final int messages;
    private final int rounds;

    FilterScenario(final LocalSettings settings, final Results results)
    {
        this.results = results;
        this.messages = settings.quick() ? 20_000 : 400_000;
        this.rounds = settings.quick() ? 2 : 5;
    }

    void run() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 1);
            fill(rocklet);
            results.note("%s: %,d messages of 128 bytes in 1 queue (ASYNC flush, ephemeral store), half matching; " +
                "pulls of 32 from offset 0 to the end, %d alternating rounds, best kept", NAME, messages, rounds);
            double tag = 0;
            double sql = 0;
            for (int round = 0; round < rounds; round++)
            {
                tag = Math.max(tag, drain(rocklet, "A", ""));
                sql = Math.max(sql, drain(rocklet, "*", SQL));
            }
            results.report("filter.tag.throughput", tag, "msgs/s");
            results.report(NAME, sql, "msgs/s");
            results.report("filter.sql.throughput_vs_tag", sql / tag, "ratio");
        }
    }

    private void fill(final EmbeddedRocklet rocklet) throws Exception
    {
        final Producer producer = rocklet.newProducer("filter-bench-producer");
        final byte[] body = new byte[128];
        final List<Message> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < messages; i++)
        {
            final String kind = i % 2 == 0 ? "A" : "B";
            batch.add(Message.builder(TOPIC).tag(kind).property("kind", kind)
                .property("amount", String.valueOf(i % 1000)).body(body).build());
            if (batch.size() == BATCH || i == messages - 1)
            {
                producer.send(batch);
                batch.clear();
            }
        }
        while (rocklet.broker().queueOffsets(TOPIC, 0).get(10, TimeUnit.SECONDS).maxOffset() < messages)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the dispatcher builds the consume queue
        }
    }

    /**
     * @return messages scanned per second reading the queue from its start to its end.
     */
    private double drain(final EmbeddedRocklet rocklet, final String tags, final String sql) throws Exception
    {
        long offset = 0;
        long matched = 0;
        final long start = System.nanoTime();
        while (offset < messages)
        {
            final PullResult result = rocklet.broker().pull(new PullRequest("filter-bench", TOPIC, 0, offset, 32,
                tags, 0, sql)).get(10, TimeUnit.SECONDS);
            offset = result.nextOffset();
            matched += result.messages().size();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        if (matched != messages / 2 + messages % 2)
        {
            throw new IllegalStateException("filter bench matched " + matched + " of " + messages + ": tags=" +
                tags + ", sql=" + sql);
        }
        return messages / seconds;
    }
}
