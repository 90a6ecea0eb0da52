package io.rocklet.api;

/**
 * The component a request was made to has been closed.
 */
public class ClosedException extends RockletException
{
    private static final long serialVersionUID = 1L;

    public ClosedException(final String message)
    {
        super(ErrorCode.CLOSED, message);
    }
}
