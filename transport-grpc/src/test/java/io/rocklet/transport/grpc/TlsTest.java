package io.rocklet.transport.grpc;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on every connection: server certificates verified against the trusted CA, client certificates required under
 * mutual TLS, plaintext only when chosen, and settings that cannot work refused when they are built.
 */
@Timeout(60)
class TlsTest
{
    private static final Logger LOG = LoggerFactory.getLogger(TlsTest.class);
    private static final BrokerIdentity IDENTITY = new BrokerIdentity("c1", "b1", 0, "grpc://127.0.0.1:1");

    @Test
    void shouldAnswerOverMutualTlsWhenTheClientPresentsATrustedCertificate() throws Exception
    {
        try (GrpcTransport server = GrpcTransport.create(TestTls.settings(TestTls.node(true)).build());
            GrpcTransport client = GrpcTransport.create(TestTls.settings(TestTls.client()).build()))
        {
            final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", identityBroker());
            assertEquals(IDENTITY, client.broker(binding.address()).identity().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRefuseAClientWithoutCertificateWhenTheServerRequiresClientAuth() throws Exception
    {
        try (GrpcTransport server = GrpcTransport.create(TestTls.settings(TestTls.node(true)).build());
            GrpcTransport anonymous = GrpcTransport.create(TestTls.settings(TestTls.clientWithoutCertificate())
                .build());
            GrpcTransport trusted = GrpcTransport.create(TestTls.settings(TestTls.client()).build()))
        {
            final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", identityBroker());
            final RockletException refused = Failures.failure(anonymous.broker(binding.address()).identity());
            assertEquals(ErrorCode.BROKER_UNAVAILABLE, refused.errorCode(), refused.toString());
            assertTrue(refused.retriable());
            assertTrue(refused.getMessage().contains(binding.address()), refused.getMessage());
            LOG.info("refused as expected: {}", refused.getMessage());
            assertEquals(IDENTITY, trusted.broker(binding.address()).identity().get(10, TimeUnit.SECONDS),
                "the server serves the next, trusted client");
        }
    }

    @Test
    void shouldRefuseAClientCertificateOfAnUntrustedCa()
    {
        try (GrpcTransport server = GrpcTransport.create(TestTls.settings(TestTls.node(true)).build());
            GrpcTransport stranger = GrpcTransport.create(TestTls.settings(TestTls.clientOfOtherCa()).build()))
        {
            final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", identityBroker());
            final RockletException refused = Failures.failure(stranger.broker(binding.address()).identity());
            assertEquals(ErrorCode.BROKER_UNAVAILABLE, refused.errorCode(), refused.toString());
        }
    }

    @Test
    void shouldRefuseAServerWhoseCertificateIsNotTrusted()
    {
        try (GrpcTransport server = GrpcTransport.create(TestTls.settings(TestTls.node(false)).build());
            GrpcTransport wary = GrpcTransport.create(TestTls.settings(TestTls.clientTrustingOtherCa()).build()))
        {
            final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", identityBroker());
            final RockletException refused = Failures.failure(wary.broker(binding.address()).identity());
            assertEquals(ErrorCode.BROKER_UNAVAILABLE, refused.errorCode(), refused.toString());
        }
    }

    @Test
    void shouldAcceptAClientWithoutCertificateWhenClientAuthIsNotRequired() throws Exception
    {
        try (GrpcTransport server = GrpcTransport.create(TestTls.settings(TestTls.node(false)).build());
            GrpcTransport client = GrpcTransport.create(TestTls.settings(TestTls.clientWithoutCertificate())
                .build()))
        {
            final GrpcBinding binding = server.serve("grpc://localhost:0", identityBroker());
            assertTrue(binding.address().startsWith("grpc://localhost:"), binding.address());
            assertEquals(IDENTITY, client.broker(binding.address()).identity().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRequireAnExplicitSecurityChoiceWhenNothingIsChosen()
    {
        final InvalidArgumentException missing = assertThrows(InvalidArgumentException.class,
            () -> GrpcTransportConfig.builder().build());
        assertTrue(missing.getMessage().contains("TLS settings missing"), missing.getMessage());
        assertTrue(missing.getMessage().contains("trustCertificates"), missing.getMessage());
        assertTrue(missing.getMessage().contains("keyCertChain"), missing.getMessage());
        assertTrue(missing.getMessage().contains("plaintext()"), missing.getMessage());
        assertThrows(InvalidArgumentException.class,
            () -> GrpcTransportConfig.builder().plaintext().tls(TestTls.client()).build());
    }

    @Test
    void shouldServePlaintextWhenChosenExplicitlyAndRefuseTlsClientsThere() throws Exception
    {
        try (GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport client = GrpcTransport.create(TestTls.plaintext().build());
            GrpcTransport tlsClient = GrpcTransport.create(TestTls.settings(TestTls.client()).build()))
        {
            final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", identityBroker());
            assertEquals(IDENTITY, client.broker(binding.address()).identity().get(10, TimeUnit.SECONDS));
            final RockletException refused = Failures.failure(tlsClient.broker(binding.address()).identity());
            assertEquals(ErrorCode.BROKER_UNAVAILABLE, refused.errorCode(), refused.toString());
        }
    }

    @Test
    void shouldRefuseToServeOverTlsWithoutAServerCertificate()
    {
        try (GrpcTransport clientOnly = GrpcTransport.create(TestTls.settings(TestTls.clientWithoutCertificate())
            .build()))
        {
            final InvalidArgumentException refused = assertThrows(InvalidArgumentException.class,
                () -> clientOnly.serve("grpc://127.0.0.1:0", identityBroker()));
            assertTrue(refused.getMessage().contains("keyCertChain"), refused.getMessage());
        }
    }

    @Test
    void shouldRejectTlsSettingsThatCannotWorkWhenBuilt(@TempDir final Path directory) throws IOException
    {
        final InvalidArgumentException noTrust = assertThrows(InvalidArgumentException.class,
            () -> TlsConfig.builder().keyCertChain(TestTls.file("server.pem"), TestTls.file("server.key")).build());
        assertTrue(noTrust.getMessage().contains("trustCertificates"), noTrust.getMessage());

        final Path missing = directory.resolve("missing.pem");
        final InvalidArgumentException absent = assertThrows(InvalidArgumentException.class,
            () -> TlsConfig.builder().trustCertificates(missing).build());
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());

        final Path garbage = Files.writeString(directory.resolve("garbage.pem"), "not a certificate");
        assertThrows(InvalidArgumentException.class, () -> TlsConfig.builder().trustCertificates(garbage).build());

        final InvalidArgumentException notPkcs8 = assertThrows(InvalidArgumentException.class,
            () -> TlsConfig.builder().keyCertChain(TestTls.file("server.pem"), TestTls.file("ca.pem"))
                .trustCertificates(TestTls.file("ca.pem")).build());
        assertTrue(notPkcs8.getMessage().contains("PKCS#8"), notPkcs8.getMessage());

        assertThrows(InvalidArgumentException.class, () -> TlsConfig.builder()
            .keyCertChain(TestTls.file("server.pem"), null).trustCertificates(TestTls.file("ca.pem")).build());
    }

    private static BrokerService identityBroker()
    {
        return FakeBroker.create().on("identity", args -> CompletableFuture.completedFuture(IDENTITY)).build();
    }
}
