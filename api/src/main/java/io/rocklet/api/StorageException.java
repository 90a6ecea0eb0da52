package io.rocklet.api;

/**
 * The storage layer could not do what was asked: the store is fenced after a write or flush
 * failure, the disk is full, the directory is owned by another store, or an I/O call failed.
 * {@link #retriable()} tells whether waiting can help.
 */
public class StorageException extends RockletException
{
    private static final long serialVersionUID = 1L;

    public StorageException(final ErrorCode errorCode, final String message)
    {
        super(errorCode, message);
    }

    public StorageException(final ErrorCode errorCode, final String message, final Throwable cause)
    {
        super(errorCode, message, cause);
    }
}
