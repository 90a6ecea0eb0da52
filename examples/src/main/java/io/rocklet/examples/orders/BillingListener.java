package io.rocklet.examples.orders;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.ReceivedMessage;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example billing service: consumes placed orders and invoices each once. Delivery is at-least-once, so an
 * order delivered again (after a failure elsewhere) is recognised by its key and not invoiced twice.
 */
public final class BillingListener implements MessageListener
{
    private static final Pattern AMOUNT = Pattern.compile("\"amountCents\":(\\d+)");

    private final Map<String, Long> invoices = new ConcurrentHashMap<>();

    @Override
    public ConsumeResult consume(final List<ReceivedMessage> messages)
    {
        for (final ReceivedMessage message : messages)
        {
            final Matcher amount = AMOUNT.matcher(new String(message.bodyBytes(), StandardCharsets.UTF_8));
            if (!amount.find() || message.keys().isEmpty())
            {
                return ConsumeResult.RECONSUME_LATER;
            }
            invoices.putIfAbsent(message.keys().get(0), Long.parseLong(amount.group(1)));
        }
        return ConsumeResult.SUCCESS;
    }

    /**
     * @return order id to invoiced amount in cents, sorted by order id.
     */
    public Map<String, Long> invoices()
    {
        return new TreeMap<>(invoices);
    }
}
