package io.rocklet.store.internal;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store may take writes: not after close, not once a write or flush failed (fenced, until
 * reopened), not while the disk is too full. Any thread may read it; the first fence wins.
 */
public final class StoreHealth
{
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private final String directory;
    private volatile boolean closed;
    private volatile Throwable fenceCause;
    private volatile boolean diskFull;
    private volatile double diskUsedRatio;

    public StoreHealth(final String directory)
    {
        this.directory = directory;
    }

    /**
     * @throws ClosedException  after close.
     * @throws StorageException when fenced or the disk is full.
     */
    public void checkWritable()
    {
        if (closed)
        {
            throw new ClosedException("store closed: dir=" + directory);
        }
        final Throwable cause = fenceCause;
        if (cause != null)
        {
            throw new StorageException(ErrorCode.STORE_FENCED, "store fenced after a write or flush failure, reopen it: dir=" +
                directory + ", cause=" + cause, cause);
        }
        if (diskFull)
        {
            throw new StorageException(ErrorCode.DISK_FULL, "disk too full, writes refused: dir=" + directory +
                ", usedRatio=" + String.format("%.3f", diskUsedRatio));
        }
    }

    /**
     * @throws ClosedException after close.
     */
    public void checkOpen()
    {
        if (closed)
        {
            throw new ClosedException("store closed: dir=" + directory);
        }
    }

    /**
     * Refuses all later writes. The first cause is kept.
     */
    public void fence(final Throwable cause)
    {
        synchronized (this)
        {
            if (fenceCause != null)
            {
                return;
            }
            fenceCause = cause;
        }
        LOG.error("store fenced, writes refused until reopened: dir={}, cause={}", directory, cause.toString(), cause);
    }

    public boolean isFenced()
    {
        return fenceCause != null;
    }

    public Throwable fenceCause()
    {
        return fenceCause;
    }

    public void diskUsage(final double usedRatio, final boolean full)
    {
        diskUsedRatio = usedRatio;
        if (full != diskFull)
        {
            diskFull = full;
            if (full)
            {
                LOG.error("disk too full, refusing writes: dir={}, usedRatio={}", directory, usedRatio);
            }
            else
            {
                LOG.info("disk usage back below the limit, accepting writes: dir={}, usedRatio={}", directory, usedRatio);
            }
        }
    }

    public boolean isDiskFull()
    {
        return diskFull;
    }

    public double diskUsedRatio()
    {
        return diskUsedRatio;
    }

    public void markClosed()
    {
        closed = true;
    }

    public boolean isClosed()
    {
        return closed;
    }
}
