package io.rocklet.transport.local;

import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Signer;
import io.rocklet.api.auth.SourceRange;
import io.rocklet.auth.AccessGuard;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A service served at a local address with the access control its calls are checked by. Calls reach it through
 * {@link #view(Signer)}: the service itself when access control is off, else the local transport's choke point, an
 * {@link AccessGuard} view that signs each call with the caller's signer and authenticates and authorizes it as a call
 * from {@value SourceRange#IN_JVM_ADDRESS} (one view per signer, made once). Thread-safe.
 */
final class Served<S>
{
    /** The views of callers without credentials. */
    private static final Object UNSIGNED = new Object();

    private final Class<S> type;
    private final S service;
    private final AccessControl access;
    private final ConcurrentHashMap<Object, S> views = new ConcurrentHashMap<>();

    Served(final Class<S> type, final S service, final AccessControl access)
    {
        this.type = type;
        this.service = service;
        this.access = access == null ? AccessControl.OPEN : access;
    }

    S service()
    {
        return service;
    }

    /**
     * @param signer signs the caller's calls, or null for a caller without credentials.
     */
    S view(final Signer signer)
    {
        if (!access.enabled())
        {
            return service;
        }
        return views.computeIfAbsent(signer == null ? UNSIGNED : signer,
            key -> AccessGuard.signing(type, service, access, signer, SourceRange.IN_JVM_ADDRESS));
    }
}
