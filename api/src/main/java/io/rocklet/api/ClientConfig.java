package io.rocklet.api;

import io.rocklet.api.auth.Credentials;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a client reaches a cluster; build with {@link #builder()}.
 *
 * @param routerAddresses      the routers (the client picks one at random and fails over to the next).
 * @param requestTimeout       deadline of a single request to a router or broker (default 3 s).
 * @param routeRefreshInterval how often cached topic routes are refreshed (default 30 s, and at once after a failure).
 * @param heartbeatInterval    how often the client heartbeats every broker (default 30 s, and at once on changes).
 * @param instanceName         names this client instance (default {@value #DEFAULT_INSTANCE_NAME}): part of the client
 *                             id (with {@value #DEFAULT_INSTANCE_NAME}, the process id stands in for it there, so
 *                             processes stay apart), and the name under which broadcasting consumers keep their
 *                             offsets locally, so it must be the same across restarts of one instance and different
 *                             for instances of one group that share an offset directory (as in RocketMQ).
 * @param credentials          the access key and secret every call to routers and brokers is signed with, or null
 *                             (default) for a cluster without access control.
 */
public record ClientConfig(List<String> routerAddresses, Duration requestTimeout, Duration routeRefreshInterval,
    Duration heartbeatInterval, String instanceName, Credentials credentials)
{
    /** The instance name when the application sets none (RocketMQ's default too). */
    public static final String DEFAULT_INSTANCE_NAME = "DEFAULT";

    public static Builder builder()
    {
        return new Builder();
    }

    @Override
    public String toString()
    {
        return "ClientConfig{routers=" + routerAddresses + ", requestTimeout=" + requestTimeout +
            ", instanceName=" + instanceName + ", credentials=" + credentials + '}';
    }

    /**
     * Collects values; {@link #build()} checks them.
     */
    public static final class Builder
    {
        private final List<String> routerAddresses = new ArrayList<>();
        private Duration requestTimeout = Duration.ofSeconds(3);
        private Duration routeRefreshInterval = Duration.ofSeconds(30);
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private String instanceName = DEFAULT_INSTANCE_NAME;
        private Credentials credentials;

        private Builder()
        {
        }

        public Builder routers(final String... addresses)
        {
            routerAddresses.addAll(List.of(addresses));
            return this;
        }

        public Builder routers(final List<String> addresses)
        {
            routerAddresses.addAll(addresses);
            return this;
        }

        public Builder requestTimeout(final Duration timeout)
        {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder routeRefreshInterval(final Duration interval)
        {
            this.routeRefreshInterval = interval;
            return this;
        }

        public Builder heartbeatInterval(final Duration interval)
        {
            this.heartbeatInterval = interval;
            return this;
        }

        public Builder instanceName(final String name)
        {
            this.instanceName = name;
            return this;
        }

        /**
         * @param credentials what every call is signed with (null: none).
         */
        public Builder credentials(final Credentials credentials)
        {
            this.credentials = credentials;
            return this;
        }

        public ClientConfig build()
        {
            if (routerAddresses.isEmpty() || routerAddresses.stream().anyMatch(a -> a == null || a.isBlank()))
            {
                throw new InvalidArgumentException("client config: routers=" + routerAddresses +
                    ", at least one router address is required");
            }
            Checks.positive(requestTimeout, "client config: requestTimeout");
            Checks.positive(routeRefreshInterval, "client config: routeRefreshInterval");
            Checks.positive(heartbeatInterval, "client config: heartbeatInterval");
            if (instanceName == null || instanceName.isBlank())
            {
                throw new InvalidArgumentException("client config: instanceName is blank");
            }
            return new ClientConfig(List.copyOf(routerAddresses), requestTimeout, routeRefreshInterval,
                heartbeatInterval, instanceName, credentials);
        }
    }
}
