package io.rocklet.api;

/**
 * Root of every exception Rocklet throws. Unchecked, immutable, with an {@link ErrorCode} and a
 * message of the form {@code what failed: key=value, ...}.
 */
public class RockletException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public RockletException(final ErrorCode errorCode, final String message)
    {
        this(errorCode, message, null);
    }

    public RockletException(final ErrorCode errorCode, final String message, final Throwable cause)
    {
        super(message, cause);
        if (errorCode == null)
        {
            throw new IllegalArgumentException("errorCode must not be null");
        }
        this.errorCode = errorCode;
    }

    /**
     * @return what went wrong.
     */
    public ErrorCode errorCode()
    {
        return errorCode;
    }

    /**
     * @return true when the same request may succeed if sent again later.
     */
    public boolean retriable()
    {
        return errorCode.retriable();
    }
}
