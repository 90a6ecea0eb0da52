package io.rocklet.api.auth;

/**
 * The rules a served broker or router enforces, at one choke point per transport: the transport authenticates each
 * call ({@link #authenticate}) and authorizes it against {@link Operations} ({@link #authorize}) before the service
 * sees it. {@link #OPEN} lets everything through (the default of embedded setups). The enforcing implementation is
 * {@code io.rocklet.auth.Acl} (module routing). Thread-safe.
 */
public interface AccessControl
{
    /** No access control: every call is let through as {@link Caller#ANONYMOUS}. */
    AccessControl OPEN = new AccessControl()
    {
        @Override
        public boolean enabled()
        {
            return false;
        }

        @Override
        public Caller authenticate(final SignedCall call, final String operation, final String source,
            final String certificateSubject)
        {
            return Caller.ANONYMOUS;
        }

        @Override
        public void authorize(final Caller caller, final String operation, final Object[] arguments)
        {
        }

        @Override
        public String toString()
        {
            return "AccessControl.OPEN";
        }
    };

    /**
     * @return false when every call is let through (transports then skip the checks entirely).
     */
    boolean enabled();

    /**
     * @param call               the call's signed identity fields, or null when it carries none.
     * @param operation          the operation actually called (must be the one signed).
     * @param source             the caller's address (literal IP), or null when unknown.
     * @param certificateSubject the verified TLS client certificate's subject, or null.
     * @return the caller.
     * @throws io.rocklet.api.RockletException UNAUTHENTICATED naming why (no credentials, unknown access key, bad
     *                                         signature, expired timestamp, replayed nonce).
     */
    Caller authenticate(SignedCall call, String operation, String source, String certificateSubject);

    /**
     * @param operation an SPI method name ({@link Operations}).
     * @param arguments the call's arguments (the resource is read from them).
     * @throws io.rocklet.api.RockletException PERMISSION_DENIED naming the caller, the action and the resource.
     */
    void authorize(Caller caller, String operation, Object[] arguments);

    /**
     * Picks up changed rules (a rules file edited since the last look). Cheap when nothing changed; called from the
     * served component's agent.
     *
     * @return the amount of work done (1 when rules were reloaded).
     */
    default int refresh()
    {
        return 0;
    }
}
