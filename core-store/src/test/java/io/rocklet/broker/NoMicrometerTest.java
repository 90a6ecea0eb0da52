package io.rocklet.broker;

import io.rocklet.api.Message;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.rocklet.broker.BrokerFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A broker without a meter registry needs no Micrometer: the whole broker (send, pull, commit, retry, dead letters,
 * close) runs in a class loader whose class path lacks the micrometer jars.
 */
@Timeout(60)
class NoMicrometerTest
{
    @Test
    void shouldRunABrokerWhenMicrometerIsAbsentAndNoRegistryIsGiven(@TempDir final Path dir) throws Exception
    {
        final List<URL> urls = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (!entry.contains("micrometer"))
            {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        // not closed: Chronicle's background releaser of that loader unmaps the store's files after the broker closed
        final URLClassLoader withoutMicrometer = new URLClassLoader(urls.toArray(URL[]::new),
            ClassLoader.getPlatformClassLoader());
        assertThrows(ClassNotFoundException.class, () -> Class.forName(
            "io.micrometer.core.instrument.MeterRegistry", false, withoutMicrometer), "the jar is left out");
        final Class<?> scenario = Class.forName(NoMicrometerTest.class.getName(), true, withoutMicrometer);
        assertFalse(scenario == NoMicrometerTest.class, "loaded again, by the loader without Micrometer");

        final Method run = scenario.getDeclaredMethod("runBroker", Path.class);
        run.setAccessible(true); // another runtime package (another loader): package access does not reach it
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(withoutMicrometer); // Chronicle's service look-ups
        try
        {
            run.invoke(null, dir);
        }
        finally
        {
            Thread.currentThread().setContextClassLoader(context);
        }
    }

    /**
     * Every broker path that reports to the metrics, with no registry. Called in the loader without Micrometer.
     */
    static void runBroker(final Path dir)
    {
        try (BrokerFixture fixture = new BrokerFixture(dir))
        {
            final Broker broker = fixture.start();
            final String id = fixture.send("orders", 0, "body").messageId();
            fixture.send(Message.builder("orders").body("later").build(), 0, 1);
            fixture.drain();
            assertEquals(1, fixture.pullNow("orders", 0, 0).messages().size());
            await(broker.commitOffsets(new CommitOffsetsRequest("group-a", List.of(new QueueOffset("orders", 0, 1)))));
            await(broker.sendBack(new SendBackRequest("group-a", id, "orders", -1, 16))); // straight to the DLQ
            fixture.drain();
            assertEquals(1, fixture.pullNow("%DLQ%group-a", 0, 0).messages().size());
        }
    }
}
