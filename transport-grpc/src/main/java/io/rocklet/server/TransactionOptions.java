package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.broker.transaction.TransactionConfig;

import java.util.Map;
import java.util.Set;

/**
 * A broker server's transaction check-back settings (F21; RocketMQ's defaults):
 *
 * <pre>
 * --transaction-check-interval 30s   how often the broker looks for transactions to check
 * --transaction-timeout 6s           a half message younger than this is not checked
 * --transaction-max-checks 15        checks after which an open transaction is rolled back and listed
 * </pre>
 */
final class TransactionOptions
{
    static final Set<String> NAMES = Set.of("transaction-check-interval", "transaction-timeout",
        "transaction-max-checks");

    private TransactionOptions()
    {
    }

    /**
     * @throws InvalidArgumentException naming the option and the value.
     */
    static TransactionConfig parse(final Map<String, String> options)
    {
        final TransactionConfig defaults = TransactionConfig.DEFAULT;
        return TransactionConfig.builder()
            .checkInterval(ServerOptions.duration(options, "transaction-check-interval", defaults.checkInterval()))
            .timeout(ServerOptions.duration(options, "transaction-timeout", defaults.timeout()))
            .maxChecks(ServerOptions.integer(options, "transaction-max-checks", defaults.maxChecks(), 1,
                Integer.MAX_VALUE))
            .build();
    }
}
