package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.server.ServerSettings.Otlp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OTLP push's options ({@code --otlp-endpoint}, {@code --otlp-step}, {@code --otlp-header}): sources,
 * precedence and validation.
 */
class OtlpOptionsTest
{
    private static final String URL = "http://127.0.0.1:4318/v1/metrics";

    @Test
    void shouldPushNothingWhenNoEndpointIsGiven()
    {
        final ServerSettings settings = ServerOptions.parse(Map.of(), "router", "--plaintext", "--no-auth");

        assertNull(settings.metrics().otlp());
        assertFalse(settings.metrics().enabled(), "no metrics option: no registry");
    }

    @Test
    void shouldReadEndpointStepAndRepeatedHeadersWhenGivenOnTheCommandLine()
    {
        final Otlp otlp = ServerOptions.parse(Map.of(), "broker", "--name", "b", "--routers", "127.0.0.1:9876",
            "--data", "/tmp/unused", "--plaintext", "--no-auth", "--otlp-endpoint", URL, "--otlp-step", "15s",
            "--otlp-header", "Authorization=Bearer abc", "--otlp-header", "x-tenant=shop").metrics().otlp();

        assertEquals(URI.create(URL), otlp.endpoint());
        assertEquals(Duration.ofSeconds(15), otlp.step());
        assertEquals(Map.of("authorization", "Bearer abc", "x-tenant", "shop"), otlp.headers());
    }

    @Test
    void shouldEnableMetricsWithTheDefaultStepWhenOnlyTheEndpointIsGiven()
    {
        final ServerSettings settings = ServerOptions.parse(Map.of(), "controller", "--controller-id", "1",
            "--controller-peers", "1=127.0.0.1:9872", "--data", "/tmp/unused", "--plaintext", "--no-auth",
            "--otlp-endpoint", "https://collector.example:4318/v1/metrics");

        assertTrue(settings.metrics().enabled());
        assertFalse(settings.metrics().prometheus(), "no --metrics-port: no scrape endpoint");
        assertEquals(Otlp.DEFAULT_STEP, settings.metrics().otlp().step());
        assertEquals(Map.of(), settings.metrics().otlp().headers());
    }

    @Test
    void shouldTakeTheEnvironmentWhenNoFlagIsGivenAndTheFlagOverIt()
    {
        final Map<String, String> environment = Map.of("ROCKLET_OTLP_ENDPOINT", URL, "ROCKLET_OTLP_HEADER",
            "authorization=Basic xyz,x-tenant=env", "ROCKLET_OTLP_STEP", "5s");

        final Otlp fromEnvironment = ServerOptions.parse(environment, "router", "--plaintext", "--no-auth")
            .metrics().otlp();
        final Otlp fromFlags = ServerOptions.parse(environment, "router", "--plaintext", "--no-auth",
            "--otlp-endpoint", "http://[::1]:4318/v1/metrics", "--otlp-header", "x-tenant=flag").metrics().otlp();

        assertEquals(URI.create(URL), fromEnvironment.endpoint());
        assertEquals(Duration.ofSeconds(5), fromEnvironment.step());
        assertEquals(Map.of("authorization", "Basic xyz", "x-tenant", "env"), fromEnvironment.headers());
        assertEquals(URI.create("http://[::1]:4318/v1/metrics"), fromFlags.endpoint());
        assertEquals(Map.of("x-tenant", "flag"), fromFlags.headers(), "the flag replaces the environment's list");
        assertEquals(Duration.ofSeconds(5), fromFlags.step());
    }

    @Test
    void shouldNameTheOptionWhenTheEndpointIsNotAnHttpUrl()
    {
        assertError("--otlp-endpoint wants an http:// or https:// URL of the collector's metrics receiver, e.g. " +
            "http://127.0.0.1:4318/v1/metrics, got 'grpc://127.0.0.1:4317'", "--otlp-endpoint",
            "grpc://127.0.0.1:4317");
        assertError("got '127.0.0.1:4318'", "--otlp-endpoint", "127.0.0.1:4318");
        assertError("got 'http:///v1/metrics'", "--otlp-endpoint", "http:///v1/metrics");
        assertError("got 'http://a b/'", "--otlp-endpoint", "http://a b/");
    }

    @Test
    void shouldNameTheHeaderButNotItsValueWhenAHeaderIsBad()
    {
        final InvalidArgumentException noEquals = assertError("--otlp-header wants NAME=VALUE (e.g. " +
            "authorization=Bearer ...), header 2 has no '='", "--otlp-endpoint", URL, "--otlp-header", "a=1",
            "--otlp-header", "authorization Bearer s3cret");
        assertFalse(noEquals.getMessage().contains("s3cret"), noEquals.getMessage());
        assertError("--otlp-header: illegal header name 'bad name' (header 1", "--otlp-endpoint", URL,
            "--otlp-header", "bad name=s3cret");
        final InvalidArgumentException empty = assertError("--otlp-header authorization: the value is empty",
            "--otlp-endpoint", URL, "--otlp-header", "authorization=");
        assertError("--otlp-header X-A is given twice", "--otlp-endpoint", URL, "--otlp-header", "x-a=1",
            "--otlp-header", "X-A=2");
        assertFalse(empty.getMessage().contains("="), empty.getMessage());
    }

    @Test
    void shouldCheckTheStepBoundsAndThatTheEndpointIsGivenWhenStepOrHeaderIs()
    {
        assertError("--otlp-step wants a duration from 1s to 1h, got '500ms'", "--otlp-endpoint", URL,
            "--otlp-step", "500ms");
        assertError("--otlp-step wants a duration from 1s to 1h, got '2h'", "--otlp-endpoint", URL,
            "--otlp-step", "2h");
        assertError("--otlp-step wants a duration such as 500ms, 30s or 2m, got 'often'", "--otlp-endpoint", URL,
            "--otlp-step", "often");
        assertError("--otlp-step needs --otlp-endpoint", "--otlp-step", "10s");
        assertError("--otlp-header needs --otlp-endpoint", "--otlp-header", "a=b");
    }

    @Test
    void shouldNameTheHeadersButNotTheirValuesWhenPrinted()
    {
        final Otlp otlp = new Otlp(URI.create(URL), Duration.ofSeconds(1), Map.of("authorization", "Bearer s3cret"));

        assertEquals("Otlp[endpoint=" + URL + ", step=PT1S, headers=[authorization]]", otlp.toString());
        assertFalse(ServerOptions.parse(Map.of(), "router", "--plaintext", "--no-auth", "--otlp-endpoint", URL,
            "--otlp-header", "authorization=Bearer s3cret").toString().contains("s3cret"));
    }

    private static InvalidArgumentException assertError(final String expected, final String... options)
    {
        final String[] args = new String[options.length + 3];
        args[0] = "router";
        args[1] = "--plaintext";
        args[2] = "--no-auth";
        System.arraycopy(options, 0, args, 3, options.length);
        final InvalidArgumentException error = assertThrows(InvalidArgumentException.class,
            () -> ServerOptions.parse(Map.of(), args));
        assertTrue(error.getMessage().contains(expected), () -> "expected '" + expected + "' in: " +
            error.getMessage());
        return error;
    }
}
