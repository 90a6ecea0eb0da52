package io.rocklet.router;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.controller.ControllerConfig;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.time.Duration;

/**
 * A router's settings; build with {@link #builder(String)}, which checks every value once. Defaults are
 * RocketMQ's NameServer defaults.
 *
 * @param address       where the router is served on the transport (for example {@code local://router-1}).
 * @param brokerExpiry  a broker silent for longer than this is removed (default 120 s).
 * @param scanInterval  how often the table is scanned for silent brokers (default 10 s).
 * @param clock         wall clock for heartbeat times (default the system clock).
 * @param threadingMode DEDICATED (default: a daemon thread scans) or INVOKER (the caller runs
 *                      {@link Router#doWork()}).
 * @param accessControl who may call the router (default {@link AccessControl#OPEN}: anybody); the router's agent
 *                      calls its {@link AccessControl#refresh()} (a watched rules file).
 * @param controller    a failover controller the router runs beside it (started and closed with it), or null (the
 *                      default).
 */
public record RouterConfig(String address, Duration brokerExpiry, Duration scanInterval, EpochClock clock,
    ThreadingMode threadingMode, AccessControl accessControl, ControllerConfig controller)
{
    /**
     * How the router runs its expiry scan.
     */
    public enum ThreadingMode
    {
        /** A daemon thread {@code rocklet-router-<name>} scans; it sleeps between checks. */
        DEDICATED,
        /** No thread: the caller runs {@link Router#doWork()} (deterministic tests). */
        INVOKER
    }

    public static Builder builder(final String address)
    {
        return new Builder(address);
    }

    /**
     * Collects values; {@link #build()} checks them.
     */
    public static final class Builder
    {
        private final String address;
        private Duration brokerExpiry = Duration.ofSeconds(120);
        private Duration scanInterval = Duration.ofSeconds(10);
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private ThreadingMode threadingMode = ThreadingMode.DEDICATED;
        private ControllerConfig controller;
        private AccessControl accessControl = AccessControl.OPEN;

        private Builder(final String address)
        {
            this.address = address;
        }

        public Builder brokerExpiry(final Duration expiry)
        {
            this.brokerExpiry = expiry;
            return this;
        }

        public Builder scanInterval(final Duration interval)
        {
            this.scanInterval = interval;
            return this;
        }

        public Builder clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        public Builder threadingMode(final ThreadingMode mode)
        {
            this.threadingMode = mode;
            return this;
        }

        /**
         * Embeds a failover controller (needs Apache Ratis on the class path: ratis-server and ratis-grpc).
         */
        public Builder controller(final ControllerConfig controllerConfig)
        {
            this.controller = controllerConfig;
            return this;
        }

        public Builder accessControl(final AccessControl accessControl)
        {
            this.accessControl = accessControl;
            return this;
        }

        public RouterConfig build()
        {
            if (address == null || address.isBlank())
            {
                throw new InvalidArgumentException("illegal router config: address=" + address + ", must not be blank");
            }
            positive(brokerExpiry, "brokerExpiry");
            positive(scanInterval, "scanInterval");
            if (clock == null || threadingMode == null)
            {
                throw new InvalidArgumentException("illegal router config: address=" + address + ", clock=" + clock +
                    ", threadingMode=" + threadingMode + ", neither may be null");
            }
            if (accessControl == null)
            {
                throw new InvalidArgumentException("router config: accessControl=null, use AccessControl.OPEN for none");
            }
            return new RouterConfig(address, brokerExpiry, scanInterval, clock, threadingMode, accessControl,
                controller);
        }

        private void positive(final Duration value, final String name)
        {
            if (value == null || value.isNegative() || value.isZero())
            {
                throw new InvalidArgumentException("illegal router config: address=" + address + ", " + name + "=" +
                    value + ", allowed: > 0");
            }
        }
    }
}
