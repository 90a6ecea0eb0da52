package io.rocklet.transport.grpc;

import io.rocklet.api.InvalidArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * The TLS settings of a {@link GrpcTransport}: one set serves both roles of a node, since a broker serves clients
 * and calls routers. PEM files: certificates as X.509 PEM, keys as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY};
 * convert others with {@code openssl pkcs8 -topk8 -nocrypt}).
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.builder()
 *     .keyCertChain(Path.of("node.pem"), Path.of("node.key"))   // to serve; presented as client certificate too
 *     .trustCertificates(Path.of("ca.pem"))                     // verifies servers (and clients under mutual TLS)
 *     .requireClientAuth(true)                                  // mutual TLS: servers refuse clients without one
 *     .build();
 * }</pre>
 *
 * @param certificateChain    this node's certificate chain; required to serve, optional for a client-only node.
 * @param privateKey          the key of {@code certificateChain}.
 * @param trustedCertificates the CA certificates peers' certificates must chain to.
 * @param requireClientAuth   servers refuse clients that present no certificate signed by a trusted CA.
 */
public record TlsConfig(Path certificateChain, Path privateKey, Path trustedCertificates, boolean requireClientAuth)
{
    /**
     * @return a builder; {@link Builder#build()} checks the files.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return true when this node has a certificate (it can serve, and presents it as a client).
     */
    public boolean hasKeyCertChain()
    {
        return certificateChain != null;
    }

    /**
     * Collects TLS settings; validation happens once, in {@link #build()}.
     */
    public static final class Builder
    {
        private Path certificateChain;
        private Path privateKey;
        private Path trustedCertificates;
        private boolean requireClientAuth;

        private Builder()
        {
        }

        /**
         * @param certificateChain this node's certificate (and intermediates), PEM.
         * @param privateKey       its key, unencrypted PKCS#8 PEM.
         */
        public Builder keyCertChain(final Path certificateChain, final Path privateKey)
        {
            this.certificateChain = certificateChain;
            this.privateKey = privateKey;
            return this;
        }

        /**
         * @param caCertificates the CA certificates (PEM) that peers' certificates must chain to.
         */
        public Builder trustCertificates(final Path caCertificates)
        {
            this.trustedCertificates = caCertificates;
            return this;
        }

        /**
         * @param require true for mutual TLS: servers accept only clients with a certificate signed by a trusted CA.
         */
        public Builder requireClientAuth(final boolean require)
        {
            this.requireClientAuth = require;
            return this;
        }

        /**
         * @throws InvalidArgumentException naming the missing or unreadable setting.
         */
        public TlsConfig build()
        {
            if (trustedCertificates == null)
            {
                throw new InvalidArgumentException("tls config: trustCertificates(caCertificates) not set; every node " +
                    "verifies its peers' certificates");
            }
            if ((certificateChain == null) != (privateKey == null))
            {
                throw new InvalidArgumentException("tls config: keyCertChain needs both files: certificateChain=" +
                    certificateChain + ", privateKey=" + privateKey);
            }
            checkCertificates(trustedCertificates, "trustCertificates");
            if (certificateChain != null)
            {
                checkCertificates(certificateChain, "keyCertChain certificateChain");
                checkPrivateKey(privateKey);
            }
            return new TlsConfig(certificateChain, privateKey, trustedCertificates, requireClientAuth);
        }

        private static void checkCertificates(final Path file, final String setting)
        {
            checkReadable(file, setting);
            try (InputStream in = Files.newInputStream(file))
            {
                if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty())
                {
                    throw new InvalidArgumentException("tls config: no certificate in file: setting=" + setting +
                        ", file=" + file);
                }
            }
            catch (final IOException | CertificateException e)
            {
                throw new InvalidArgumentException("tls config: cannot read certificates: setting=" + setting +
                    ", file=" + file + ", error=" + e.getMessage());
            }
        }

        private static void checkPrivateKey(final Path file)
        {
            checkReadable(file, "keyCertChain privateKey");
            final String pem;
            try
            {
                pem = Files.readString(file, StandardCharsets.US_ASCII);
            }
            catch (final IOException e)
            {
                throw new InvalidArgumentException("tls config: cannot read private key: file=" + file + ", error=" +
                    e.getMessage());
            }
            if (!pem.contains("-----BEGIN PRIVATE KEY-----"))
            {
                throw new InvalidArgumentException("tls config: private key must be unencrypted PKCS#8 PEM " +
                    "(-----BEGIN PRIVATE KEY-----): file=" + file + "; convert with openssl pkcs8 -topk8 -nocrypt");
            }
        }

        private static void checkReadable(final Path file, final String setting)
        {
            if (!Files.isRegularFile(file) || !Files.isReadable(file))
            {
                throw new InvalidArgumentException("tls config: file missing or unreadable: setting=" + setting +
                    ", file=" + file);
            }
        }
    }
}
