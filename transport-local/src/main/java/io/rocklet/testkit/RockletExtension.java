package io.rocklet.testkit;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A JUnit 5 extension that runs tests against an embedded router and broker over the local transport (no sockets,
 * no fixed ports or paths):
 *
 * <pre>{@code
 * class OrderServiceTest
 * {
 *     @RegisterExtension
 *     static final RockletExtension ROCKLET = RockletExtension.shared();   // or perClass(), or builder()...
 *
 *     @Test
 *     void shouldPublishOrderPlacedWhenOrderIsPlaced(TestTopic orders, RecordingListener placed)
 *     {
 *         new OrderService(orders.producer(), orders.name()).place("order-42");
 *         assertEquals(List.of("order-42"), placed.awaitCount(1, Duration.ofSeconds(5)).get(0).keys());
 *     }
 * }
 * }</pre>
 *
 * {@link RockletTest @RockletTest} is the annotation form. The broker lives for the test class
 * ({@link BrokerScope#CLASS}) or for the whole run ({@link BrokerScope#RUN}: started once, closed by JUnit when the
 * run ends, shared by every class asking for equal settings). It is ephemeral (small files, no fsync) unless made
 * {@link Builder#persistent() persistent}. Its data directory is removed when it closes if every test that used it
 * passed, and kept, with its path logged, when one failed.
 *
 * <p>Parameters it resolves, in test, {@code @BeforeEach} and {@code @BeforeAll} methods (each made for the test,
 * the same instance throughout one test, closed after it):
 * <table>
 *     <caption>Injected parameters</caption>
 *     <tr><th>Type</th><th>What</th></tr>
 *     <tr><td>{@link EmbeddedRocklet}</td><td>the router and broker (shared; never close it)</td></tr>
 *     <tr><td>{@link TestTopic}</td><td>a fresh topic and consumer group, with helpers</td></tr>
 *     <tr><td>{@link Producer}</td><td>a producer of a fresh producer group</td></tr>
 *     <tr><td>{@link PullConsumer}</td><td>subscribed to the test's topic in its group, from the first message</td></tr>
 *     <tr><td>{@link PushConsumer}, {@link RecordingListener}</td><td>a push consumer of the test's topic in its
 *     group, from the first message, and its recording listener</td></tr>
 * </table>
 * Thread-safe: tests may run in parallel on one broker.
 */
public final class RockletExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
    AfterAllCallback, ParameterResolver
{
    private static final Namespace NAMESPACE = Namespace.create(RockletExtension.class);
    private static final Set<Class<?>> RESOLVED = Set.of(EmbeddedRocklet.class, TestTopic.class, Producer.class,
        PullConsumer.class, PushConsumer.class, RecordingListener.class);

    private final KitSettings configured;
    private volatile TestBroker current;

    /**
     * For {@code @ExtendWith(RockletExtension.class)} and {@link RockletTest @RockletTest}: takes its settings from
     * the {@code @RockletTest} annotation of the test class (or an enclosing class), else the defaults of
     * {@link #perClass()}.
     */
    public RockletExtension()
    {
        this(null);
    }

    private RockletExtension(final KitSettings configured)
    {
        this.configured = configured;
    }

    /**
     * @return an extension with one ephemeral broker per test class.
     */
    public static RockletExtension perClass()
    {
        return builder().build();
    }

    /**
     * @return an extension with one ephemeral broker for the whole run, shared with every class that asks for it.
     */
    public static RockletExtension shared()
    {
        return builder().scope(BrokerScope.RUN).build();
    }

    /**
     * @return a builder for other settings.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the router and broker of the class running now; registered on a static field, from
     *     {@code @BeforeAll} on.
     * @throws IllegalStateException before the broker started.
     */
    public EmbeddedRocklet rocklet()
    {
        return currentBroker().rocklet();
    }

    /**
     * @return where the broker of the class running now keeps its data.
     * @throws IllegalStateException before the broker started.
     */
    public Path dataDirectory()
    {
        return currentBroker().dataDirectory();
    }

    @Override
    public void beforeAll(final ExtensionContext context)
    {
        current = broker(context);
    }

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        current = broker(context);
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        recordFailure(context);
    }

    @Override
    public void afterAll(final ExtensionContext context)
    {
        recordFailure(context);
    }

    @Override
    public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context)
    {
        return RESOLVED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context)
    {
        final Class<?> type = parameter.getParameter().getType();
        final TestBroker broker = broker(context);
        if (type == EmbeddedRocklet.class)
        {
            return broker.rocklet();
        }
        final TestScope scope = context.getStore(NAMESPACE).getOrComputeIfAbsent(
            new ScopeKey(context.getUniqueId(), broker), key -> new TestScope(broker, TestScope.stem(context)),
            TestScope.class);
        if (type == TestTopic.class)
        {
            return scope.topic();
        }
        if (type == Producer.class)
        {
            return scope.producer();
        }
        if (type == PullConsumer.class)
        {
            return scope.pullConsumer();
        }
        if (type == PushConsumer.class)
        {
            return scope.pushConsumer();
        }
        return scope.listener();
    }

    @Override
    public String toString()
    {
        return "RockletExtension{" + (configured == null ? "from @RockletTest" : configured) + '}';
    }

    private TestBroker currentBroker()
    {
        final TestBroker broker = current;
        if (broker == null)
        {
            throw new IllegalStateException("no test broker yet: RockletExtension.rocklet() and dataDirectory() " +
                "work from @BeforeAll on when the extension is a static field, from @BeforeEach on otherwise");
        }
        return broker;
    }

    private TestBroker broker(final ExtensionContext context)
    {
        final KitSettings settings = settings(context);
        final BrokerKey key = new BrokerKey(settings);
        if (settings.scope() == BrokerScope.RUN)
        {
            return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(key,
                k -> TestBroker.start(settings, "test run"), TestBroker.class);
        }
        // a @Nested class finds its enclosing class's broker: store lookups fall back to the parent context
        final ExtensionContext classContext = classContext(context);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(key,
            k -> TestBroker.start(settings, classContext.getRequiredTestClass().getName()), TestBroker.class);
    }

    private void recordFailure(final ExtensionContext context)
    {
        final Optional<Throwable> failure = context.getExecutionException()
            .filter(error -> !(error instanceof TestAbortedException));
        if (failure.isEmpty())
        {
            return;
        }
        final KitSettings settings;
        try
        {
            settings = settings(context);
        }
        catch (final InvalidArgumentException e)
        {
            return; // illegal settings: the class failed before a broker started, with this error
        }
        final ExtensionContext owner = settings.scope() == BrokerScope.RUN ? context.getRoot() : classContext(context);
        final TestBroker broker = owner.getStore(NAMESPACE).get(new BrokerKey(settings), TestBroker.class);
        if (broker != null)
        {
            broker.recordFailure(testName(context), failure.get());
        }
    }

    private KitSettings settings(final ExtensionContext context)
    {
        if (configured != null)
        {
            return configured;
        }
        for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass())
        {
            final Optional<RockletTest> annotation = AnnotationSupport.findAnnotation(type, RockletTest.class);
            if (annotation.isPresent())
            {
                return KitSettings.of(annotation.get());
            }
        }
        return KitSettings.defaults();
    }

    private static ExtensionContext classContext(final ExtensionContext context)
    {
        ExtensionContext each = context;
        while (each.getTestMethod().isPresent() && each.getParent().isPresent())
        {
            each = each.getParent().get();
        }
        return each;
    }

    private static String testName(final ExtensionContext context)
    {
        final String className = context.getTestClass().map(Class::getName).orElse("?");
        return context.getTestMethod().isPresent() ? className + " > " + context.getDisplayName() : className;
    }

    private record BrokerKey(KitSettings settings)
    {
    }

    private record ScopeKey(String uniqueId, TestBroker broker)
    {
    }

    /**
     * Settings of a {@link RockletExtension}, checked once in {@link #build()}.
     */
    public static final class Builder
    {
        private BrokerScope scope = BrokerScope.CLASS;
        private boolean persistent;
        private Path dataDirectory;
        private boolean autoCreateTopics = true;
        private int topicQueues = KitSettings.DEFAULT_TOPIC_QUEUES;
        private List<Duration> delayLevels = BrokerConfig.DEFAULT_DELAY_LEVELS;
        private KitSettings.Auth auth;

        private Builder()
        {
        }

        /**
         * @param scope one broker per test class (default) or one for the whole run.
         */
        public Builder scope(final BrokerScope scope)
        {
            this.scope = scope;
            return this;
        }

        /**
         * Durable store settings (fsync, preallocated files) in a temporary directory of the kit's, removed after
         * a passing run; the default is an ephemeral store that never syncs.
         */
        public Builder persistent()
        {
            this.persistent = true;
            return this;
        }

        /**
         * Durable store settings in {@code directory}, which is the caller's: never removed.
         */
        public Builder persistentIn(final Path directory)
        {
            this.dataDirectory = Arguments.notNull(directory, "directory", "persistentIn");
            this.persistent = true;
            return this;
        }

        /**
         * @param enable whether the broker creates a topic on its first send (default true).
         */
        public Builder autoCreateTopics(final boolean enable)
        {
            this.autoCreateTopics = enable;
            return this;
        }

        /**
         * @param queues queues of each fresh {@link TestTopic} (default 4).
         */
        public Builder topicQueues(final int queues)
        {
            this.topicQueues = queues;
            return this;
        }

        /**
         * @param levels the back-off of each delay level; shorter ones make retry tests fast (retries use level 3
         *               and up). Default RocketMQ's 18 levels.
         */
        public Builder delayLevels(final List<Duration> levels)
        {
            this.delayLevels = levels;
            return this;
        }

        /**
         * Runs the router and the broker with access control (default none).
         *
         * @param access the rules (e.g. {@code io.rocklet.auth.Acl.fromFile(rules)}).
         * @param member the broker's cluster-member identity, a {@code kind=member} user of the rules.
         * @param client what the kit's own client signs with (its topics, producers and consumers); a user allowed
         *               to create topics and use them, e.g. a {@code kind=super} user. Other identities:
         *               {@code rocklet.newClient(credentials)}.
         */
        public Builder accessControl(final AccessControl access, final Credentials member, final Credentials client)
        {
            this.auth = new KitSettings.Auth(access, member, client);
            return this;
        }

        /**
         * @return the extension.
         * @throws InvalidArgumentException naming a setting that is out of range.
         */
        public RockletExtension build()
        {
            return new RockletExtension(new KitSettings(scope, persistent, dataDirectory, autoCreateTopics,
                topicQueues, delayLevels, auth));
        }
    }
}
