package io.rocklet.client;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletClient;
import io.rocklet.api.spi.Transport;
import io.rocklet.client.internal.DefaultRockletClient;

/**
 * Makes clients.
 */
public final class RockletClients
{
    private RockletClients()
    {
    }

    /**
     * @param config    routers, timeouts, intervals.
     * @param transport how to reach routers and brokers; stays open when the client closes.
     * @return a started client (its timer thread runs until {@link RockletClient#close()}).
     */
    public static RockletClient create(final ClientConfig config, final Transport transport)
    {
        if (config == null || transport == null)
        {
            throw new InvalidArgumentException("cannot create client: config=" + config + ", transport=" + transport);
        }
        return new DefaultRockletClient(config, transport);
    }
}
