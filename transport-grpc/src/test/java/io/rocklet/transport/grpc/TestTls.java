package io.rocklet.transport.grpc;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The test certificates of {@code src/test/resources/tls} (made by its {@code generate.sh}) as TLS settings.
 */
final class TestTls
{
    private TestTls()
    {
    }

    static Path file(final String name)
    {
        final URL url = TestTls.class.getResource("/tls/" + name);
        if (url == null)
        {
            throw new IllegalStateException("missing test certificate: /tls/" + name);
        }
        try
        {
            return Path.of(url.toURI());
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalStateException("bad resource url: " + url, e);
        }
    }

    /**
     * @param mutual servers require client certificates.
     * @return the node certificate (serves, and presents itself as a client), trusting the test CA.
     */
    static TlsConfig node(final boolean mutual)
    {
        return TlsConfig.builder().keyCertChain(file("server.pem"), file("server.key"))
            .trustCertificates(file("ca.pem")).requireClientAuth(mutual).build();
    }

    /**
     * @return a client certificate signed by the test CA, trusting the test CA.
     */
    static TlsConfig client()
    {
        return TlsConfig.builder().keyCertChain(file("client.pem"), file("client.key"))
            .trustCertificates(file("ca.pem")).build();
    }

    /**
     * @return no client certificate, trusting the test CA.
     */
    static TlsConfig clientWithoutCertificate()
    {
        return TlsConfig.builder().trustCertificates(file("ca.pem")).build();
    }

    /**
     * @return a client certificate signed by another CA, trusting the test CA.
     */
    static TlsConfig clientOfOtherCa()
    {
        return TlsConfig.builder().keyCertChain(file("other-client.pem"), file("other-client.key"))
            .trustCertificates(file("ca.pem")).build();
    }

    /**
     * @return a client certificate of the test CA, trusting only another CA (so no test server).
     */
    static TlsConfig clientTrustingOtherCa()
    {
        return TlsConfig.builder().keyCertChain(file("client.pem"), file("client.key"))
            .trustCertificates(file("other-ca.pem")).build();
    }

    /**
     * @return settings for tests: small thread counts, fast reconnection.
     */
    static GrpcTransportConfig.Builder settings(final TlsConfig tls)
    {
        return GrpcTransportConfig.builder().tls(tls).ioThreads(1).executorThreads(2)
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    static GrpcTransportConfig.Builder plaintext()
    {
        return GrpcTransportConfig.builder().plaintext().ioThreads(1).executorThreads(2)
            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }
}
