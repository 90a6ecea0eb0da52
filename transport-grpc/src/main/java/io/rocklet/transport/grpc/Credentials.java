package io.rocklet.transport.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.rocklet.api.InvalidArgumentException;

import java.io.IOException;

/**
 * Turns a {@link GrpcTransportConfig}'s security choice into gRPC credentials: TLS from the PEM files of its
 * {@link TlsConfig} (mutual when client authentication is required), or plaintext when it was chosen. Stateless.
 */
final class Credentials
{
    private Credentials()
    {
    }

    /**
     * @throws InvalidArgumentException when TLS is on but this node has no certificate, or a file cannot be read.
     */
    static ServerCredentials server(final GrpcTransportConfig config, final String address)
    {
        if (config.plaintext())
        {
            return InsecureServerCredentials.create();
        }
        final TlsConfig tls = config.tls();
        if (!tls.hasKeyCertChain())
        {
            throw new InvalidArgumentException("cannot serve over TLS without a server certificate: address=" +
                address + "; set TlsConfig.builder().keyCertChain(certificateChain, privateKey)");
        }
        try
        {
            return TlsServerCredentials.newBuilder()
                .keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile())
                .trustManager(tls.trustedCertificates().toFile())
                .clientAuth(tls.requireClientAuth() ? TlsServerCredentials.ClientAuth.REQUIRE :
                    TlsServerCredentials.ClientAuth.NONE)
                .build();
        }
        catch (final IOException e)
        {
            throw new InvalidArgumentException("cannot read TLS files: address=" + address + ", tls=" + tls +
                ", error=" + e.getMessage());
        }
    }

    /**
     * @throws InvalidArgumentException when a TLS file cannot be read.
     */
    static ChannelCredentials channel(final GrpcTransportConfig config)
    {
        if (config.plaintext())
        {
            return InsecureChannelCredentials.create();
        }
        final TlsConfig tls = config.tls();
        try
        {
            final TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder()
                .trustManager(tls.trustedCertificates().toFile());
            if (tls.hasKeyCertChain())
            {
                builder.keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile());
            }
            return builder.build();
        }
        catch (final IOException e)
        {
            throw new InvalidArgumentException("cannot read TLS files: tls=" + tls + ", error=" + e.getMessage());
        }
    }
}
