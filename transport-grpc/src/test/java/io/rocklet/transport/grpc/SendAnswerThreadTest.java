package io.rocklet.transport.grpc;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which threads a send's answer takes (issue 15): a blocking send is woken by the event loop that read its answer,
 * without the transport's executor; an async send's application callbacks still never run on the event loop.
 */
@Timeout(60)
class SendAnswerThreadTest
{
    private static final String TOPIC = "orders";

    @Test
    void shouldCompleteABlockingSendWhenTheClientExecutorIsBlocked() throws Exception
    {
        try (GrpcCluster cluster = new GrpcCluster(TestTls.settings(TestTls.node(true)).build(),
            TestTls.settings(TestTls.client()).executorThreads(1).build(), null, broker -> broker);
            Blocked blocked = Blocked.executorOf(cluster.clientTransport))
        {
            final Producer producer = producerWithRoute(cluster);
            blocked.hold();
            final ExecutorService sender = Executors.newSingleThreadExecutor();
            try
            {
                final SendReceipt receipt = CompletableFuture.supplyAsync(() -> producer.send(message("blocked")),
                    sender).get(30, TimeUnit.SECONDS);
                assertEquals(TOPIC, receipt.queue().topic());
            }
            finally
            {
                sender.shutdownNow();
            }
        }
    }

    @Test
    void shouldRunAsyncSendCallbacksOffTheEventLoopWhenTheAnswerIsReadThere() throws Exception
    {
        try (GrpcCluster cluster = new GrpcCluster(TestTls.settings(TestTls.node(true)).build(),
            TestTls.settings(TestTls.client()).build(), null, broker -> broker);
            Blocked server = Blocked.executorOf(cluster.served.grpc))
        {
            final Producer producer = producerWithRoute(cluster);
            server.hold(); // the broker cannot answer yet: the future is not complete when the callback is added
            final AtomicReference<String> callbackThread = new AtomicReference<>();
            final CountDownLatch called = new CountDownLatch(1);
            producer.sendAsync(message("async")).whenComplete((receipt, error) ->
            {
                callbackThread.set(Thread.currentThread().getName());
                called.countDown();
            });
            server.release();
            assertTrue(called.await(30, TimeUnit.SECONDS), "the async send's callback never ran");
            assertTrue(callbackThread.get().startsWith("rocklet-producer-callbacks-"),
                "callback ran on " + callbackThread.get());
        }
    }

    private static Producer producerWithRoute(final GrpcCluster cluster)
    {
        final RockletClient client = cluster.newClient();
        client.admin().createTopic(TopicConfig.of(TOPIC, 4));
        final Producer producer = client.newProducer(ProducerConfig.builder("shop").build());
        producer.send(message("first")); // the route is cached: later sends need no router call
        return producer;
    }

    private static Message message(final String body)
    {
        return Message.builder(TOPIC).body(body).build();
    }

    /** Holds every thread of a transport's executor until closed. */
    private static final class Blocked implements AutoCloseable
    {
        private final GrpcTransport transport;
        private final CountDownLatch release = new CountDownLatch(1);

        private Blocked(final GrpcTransport transport)
        {
            this.transport = transport;
        }

        static Blocked executorOf(final GrpcTransport transport)
        {
            return new Blocked(transport);
        }

        void hold() throws InterruptedException
        {
            final int threads = transport.threads().executorThreads();
            final CountDownLatch holding = new CountDownLatch(threads);
            for (int i = 0; i < threads; i++)
            {
                transport.threads().executor().execute(() ->
                {
                    holding.countDown();
                    try
                    {
                        release.await();
                    }
                    catch (final InterruptedException e)
                    {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(holding.await(30, TimeUnit.SECONDS), "executor threads not all held");
        }

        void release()
        {
            release.countDown();
        }

        @Override
        public void close()
        {
            release();
        }
    }
}
