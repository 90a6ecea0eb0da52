package io.rocklet.api;

/**
 * A request was rejected because of what it contained (an illegal topic name, an oversize body, a
 * negative offset...). Sending the same request again will fail the same way.
 */
public class InvalidArgumentException extends RockletException
{
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(final ErrorCode errorCode, final String message)
    {
        super(errorCode, message);
    }

    public InvalidArgumentException(final String message)
    {
        super(ErrorCode.INVALID_ARGUMENT, message);
    }
}
