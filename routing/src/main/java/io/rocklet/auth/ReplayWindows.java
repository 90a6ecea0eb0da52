package io.rocklet.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which nonces were used, so that no signed call is accepted twice. A nonce is
 * {@code <session>.<sequence>} ({@link io.rocklet.api.auth.Signer}): per access key and session, the highest sequence
 * seen and a bitmap of the {@value #WINDOW} below it (as IPsec's anti-replay window): memory grows with signing
 * sessions, not with calls. Calls arriving more than {@value #WINDOW} sequence numbers late are refused. A session
 * unused for the retention (twice the allowed clock skew: no call signed in it can still be fresh) is forgotten; at
 * most {@code maxSessions} are kept. Thread-safe.
 */
final class ReplayWindows
{
    /** How far behind the highest sequence a call may arrive (calls in flight at once from one signer). */
    static final int WINDOW = 4096;

    private final ConcurrentHashMap<String, Window> sessions = new ConcurrentHashMap<>();
    private final long retentionMs;
    private final int maxSessions;

    ReplayWindows(final long retentionMs, final int maxSessions)
    {
        this.retentionMs = retentionMs;
        this.maxSessions = maxSessions;
    }

    /**
     * @return null when the nonce is fresh (it is now used), else why it is refused.
     */
    String use(final String accessKey, final String nonce, final long nowMs)
    {
        final int dot = nonce.lastIndexOf('.');
        final long sequence;
        try
        {
            sequence = dot <= 0 ? -1 : Long.parseLong(nonce, dot + 1, nonce.length(), 10);
        }
        catch (final NumberFormatException e)
        {
            return "malformed nonce";
        }
        if (sequence <= 0)
        {
            return "malformed nonce";
        }
        final String key = accessKey + ' ' + nonce.substring(0, dot);
        Window window = sessions.get(key);
        if (window == null)
        {
            if (sessions.size() >= maxSessions && evict(nowMs) == 0 && sessions.size() >= maxSessions)
            {
                return "too many signing sessions (maxSessions=" + maxSessions + ")";
            }
            window = sessions.computeIfAbsent(key, k -> new Window());
        }
        return window.use(sequence, nowMs) ? null : "replayed nonce";
    }

    int sessions()
    {
        return sessions.size();
    }

    private int evict(final long nowMs)
    {
        final int before = sessions.size();
        sessions.values().removeIf(window -> window.idleSince(nowMs - retentionMs));
        return before - sessions.size();
    }

    /** One session's window. */
    private static final class Window
    {
        private final long[] seen = new long[WINDOW / 64];
        private long highest;
        private long lastUsedMs;

        synchronized boolean use(final long sequence, final long nowMs)
        {
            lastUsedMs = Math.max(lastUsedMs, nowMs);
            if (sequence > highest)
            {
                if (sequence - highest >= WINDOW)
                {
                    java.util.Arrays.fill(seen, 0L);
                }
                else
                {
                    for (long s = highest + 1; s < sequence; s++)
                    {
                        clear(s);
                    }
                }
                highest = sequence;
                set(sequence);
                return true;
            }
            if (highest - sequence >= WINDOW || isSet(sequence))
            {
                return false;
            }
            set(sequence);
            return true;
        }

        synchronized boolean idleSince(final long limitMs)
        {
            return lastUsedMs < limitMs;
        }

        private void set(final long sequence)
        {
            final int bit = (int) (sequence % WINDOW);
            seen[bit >>> 6] |= 1L << (bit & 63);
        }

        private void clear(final long sequence)
        {
            final int bit = (int) (sequence % WINDOW);
            seen[bit >>> 6] &= ~(1L << (bit & 63));
        }

        private boolean isSet(final long sequence)
        {
            final int bit = (int) (sequence % WINDOW);
            return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
        }
    }
}
