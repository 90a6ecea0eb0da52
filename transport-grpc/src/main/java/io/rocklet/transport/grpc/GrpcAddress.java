package io.rocklet.transport.grpc;

import io.rocklet.api.InvalidArgumentException;

/**
 * A parsed transport address {@code grpc://<host>:<port>} (IPv6 hosts in brackets: {@code grpc://[::1]:9876}).
 * Port 0 asks a server for any free port.
 *
 * @param host the host name or literal IP address, without brackets.
 * @param port 0 to 65535.
 */
record GrpcAddress(String host, int port)
{
    /** Addresses of this transport start with this scheme. */
    static final String SCHEME = "grpc://";

    /**
     * @throws InvalidArgumentException when {@code address} is not {@code grpc://<host>:<port>}.
     */
    static GrpcAddress parse(final String address)
    {
        if (address == null || !address.startsWith(SCHEME))
        {
            throw illegal(address);
        }
        final String hostPort = address.substring(SCHEME.length());
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1)
        {
            throw illegal(address);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("["))
        {
            if (!host.endsWith("]") || host.length() < 3)
            {
                throw illegal(address);
            }
            host = host.substring(1, host.length() - 1);
        }
        else if (host.contains(":"))
        {
            throw illegal(address);
        }
        if (host.isBlank() || host.contains("/"))
        {
            throw illegal(address);
        }
        final int port;
        try
        {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        catch (final NumberFormatException e)
        {
            throw illegal(address);
        }
        if (port < 0 || port > 65535)
        {
            throw illegal(address);
        }
        return new GrpcAddress(host, port);
    }

    /**
     * @return the same host with another port.
     */
    GrpcAddress withPort(final int newPort)
    {
        return new GrpcAddress(host, newPort);
    }

    /**
     * @return the address in its string form, {@code grpc://host:port}.
     */
    @Override
    public String toString()
    {
        return SCHEME + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static InvalidArgumentException illegal(final String address)
    {
        return new InvalidArgumentException("illegal grpc address: address=" + address + ", expected " + SCHEME +
            "<host>:<port>");
    }
}
