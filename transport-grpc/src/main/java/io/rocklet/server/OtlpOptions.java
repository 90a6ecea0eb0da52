package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.server.ServerSettings.Otlp;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A server's OTLP metrics push, read from its options (every role):
 *
 * <pre>
 * --otlp-endpoint URL         the collector's OTLP/HTTP metrics URL (http or https); without it, no push
 * --otlp-step 60s             how often the meters are pushed (1 s to 1 h)
 * --otlp-header NAME=VALUE    an HTTP header of every push (repeatable, or comma-separated); values are never logged
 * </pre>
 *
 * Errors about a header never repeat its value (it is usually a credential).
 */
final class OtlpOptions
{
    static final Duration MIN_STEP = Duration.ofSeconds(1);
    static final Duration MAX_STEP = Duration.ofHours(1);

    private OtlpOptions()
    {
    }

    /**
     * @param options option name to value; {@code otlp-header} holds the headers comma-separated.
     * @return the push the options describe, or null without {@code --otlp-endpoint}.
     * @throws InvalidArgumentException naming the option and what is wrong with it.
     */
    static Otlp parse(final Map<String, String> options)
    {
        final String endpoint = options.get("otlp-endpoint");
        if (endpoint == null || endpoint.isBlank())
        {
            for (final String dependent : new String[]{"otlp-step", "otlp-header"})
            {
                if (options.containsKey(dependent))
                {
                    throw new InvalidArgumentException("--" + dependent + " needs --otlp-endpoint (the collector's " +
                        "URL, e.g. http://127.0.0.1:4318/v1/metrics)");
                }
            }
            return null;
        }
        final Duration step = ServerOptions.duration(options, "otlp-step", Otlp.DEFAULT_STEP);
        if (step.compareTo(MIN_STEP) < 0 || step.compareTo(MAX_STEP) > 0)
        {
            throw new InvalidArgumentException("--otlp-step wants a duration from 1s to 1h, got '" +
                options.get("otlp-step") + "'");
        }
        return new Otlp(endpoint(endpoint), step, headers(options.get("otlp-header")));
    }

    /**
     * @throws InvalidArgumentException unless the value is an absolute http or https URL with a host.
     */
    static URI endpoint(final String value)
    {
        final String text = value.trim();
        try
        {
            final URI uri = new URI(text);
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null)
            {
                return uri;
            }
        }
        catch (final URISyntaxException e)
        {
            // reported below
        }
        throw new InvalidArgumentException("--otlp-endpoint wants an http:// or https:// URL of the collector's " +
            "metrics receiver, e.g. http://127.0.0.1:4318/v1/metrics, got '" + value + "'");
    }

    /**
     * @param list {@code NAME=VALUE} pairs, comma-separated, or null.
     * @return header name to value, in the given order.
     * @throws InvalidArgumentException naming the header (never its value) that is wrong.
     */
    static Map<String, String> headers(final String list)
    {
        final Map<String, String> headers = new LinkedHashMap<>();
        if (list == null)
        {
            return headers;
        }
        int index = 0;
        for (final String pair : list.split(","))
        {
            index++;
            final int equals = pair.indexOf('=');
            if (equals < 0)
            {
                throw new InvalidArgumentException("--otlp-header wants NAME=VALUE (e.g. authorization=Bearer ...), " +
                    "header " + index + " has no '='");
            }
            final String name = pair.substring(0, equals).trim();
            final String value = pair.substring(equals + 1).trim();
            if (!token(name))
            {
                throw new InvalidArgumentException("--otlp-header: illegal header name '" + name + "' (header " +
                    index + "; letters, digits and !#$%&'*+-.^_`|~ only)");
            }
            if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f))
            {
                throw new InvalidArgumentException("--otlp-header " + name + ": the value is empty or holds a " +
                    "control character");
            }
            if (headers.put(name.toLowerCase(Locale.ROOT), value) != null)
            {
                throw new InvalidArgumentException("--otlp-header " + name + " is given twice");
            }
        }
        return headers;
    }

    /**
     * @return whether the name is an HTTP token (RFC 9110 section 5.6.2).
     */
    private static boolean token(final String name)
    {
        return !name.isEmpty() && name.chars().allMatch(c -> c < 0x7f && (Character.isLetterOrDigit(c) ||
            "!#$%&'*+-.^_`|~".indexOf(c) >= 0));
    }
}
