package io.rocklet.testkit;

import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PushConsumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kit made for one test (or one class, for parameters of {@code @BeforeAll} methods): its fresh topic,
 * producer and consumers, each made when first asked for and all closed by JUnit when the test's context closes.
 * Thread-safe.
 */
final class TestScope implements ExtensionContext.Store.CloseableResource
{
    private static final Logger LOG = LoggerFactory.getLogger(TestScope.class);
    private static final int MAX_STEM_LENGTH = 80;

    private final TestBroker broker;
    private final String stem;
    private TestTopic topic;
    private Producer producer;
    private PullConsumer pullConsumer;
    private RecordingListener listener;
    private PushConsumer pushConsumer;
    private boolean closed;

    /**
     * @param stem the start of the names made for the test, such as {@code OrderTest-shouldBill}.
     */
    TestScope(final TestBroker broker, final String stem)
    {
        this.broker = broker;
        this.stem = stem;
    }

    /**
     * @return {@code <class>-<method>} reduced to the characters topic names allow, at most 80 of them.
     */
    static String stem(final ExtensionContext context)
    {
        final String className = context.getTestClass().map(Class::getSimpleName).orElse("test");
        final String raw = context.getTestMethod().map(method -> className + "-" + method.getName()).orElse(className);
        final String clean = raw.replaceAll("[^a-zA-Z0-9_-]", "_");
        return clean.length() > MAX_STEM_LENGTH ? clean.substring(0, MAX_STEM_LENGTH) : clean;
    }

    synchronized TestTopic topic()
    {
        checkOpen();
        if (topic == null)
        {
            final KitSettings settings = broker.settings();
            topic = new TestTopic(broker.rocklet(), stem + "-" + broker.nextName(), settings.topicQueues(),
                broker.dataDirectory().resolve("consumer-offsets"));
        }
        return topic;
    }

    synchronized Producer producer()
    {
        checkOpen();
        if (producer == null)
        {
            producer = broker.rocklet().client().newProducer(ProducerConfig.builder(stem + "-" + broker.nextName() +
                "-producer").build());
        }
        return producer;
    }

    synchronized PullConsumer pullConsumer()
    {
        if (pullConsumer == null)
        {
            pullConsumer = topic().newPullConsumer();
        }
        return pullConsumer;
    }

    synchronized RecordingListener listener()
    {
        pushConsumer();
        return listener;
    }

    /**
     * @return a push consumer of the test's topic and group whose listener is {@link #listener()}.
     */
    synchronized PushConsumer pushConsumer()
    {
        if (pushConsumer == null)
        {
            final TestTopic testTopic = topic();
            final RecordingListener recording = testTopic.recordingListener();
            pushConsumer = testTopic.newPushConsumer(recording);
            listener = recording;
        }
        return pushConsumer;
    }

    /**
     * Closes the topic (and the consumers made on it) and the producer. Idempotent.
     */
    @Override
    public void close()
    {
        final TestTopic topicToClose;
        final Producer producerToClose;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            topicToClose = topic;
            producerToClose = producer;
        }
        if (topicToClose != null)
        {
            closeQuietly(topicToClose);
        }
        if (producerToClose != null)
        {
            closeQuietly(producerToClose);
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("test resources closed: the test has ended, stem=" + stem);
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception e)
        {
            LOG.warn("closing a test resource failed: resource={}, error={}", closeable, e.toString(), e);
        }
    }
}
