package io.rocklet.store.internal.file;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.posix.PosixAPI;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fixed-size file mapped into memory with Chronicle Bytes: the only class that touches Chronicle
 * types. Readers and writers access the bytes through {@link #buffer()} (an Agrona view of the
 * mapping); durability goes through {@link #sync(long)}.
 *
 * <p>Lifetime is reference counted so that a reader never touches unmapped memory: the creator holds
 * one reference, readers {@link #tryRetain()}/{@link #release()} around each access, and the mapping
 * is unmapped (and the file deleted, if {@link #releaseAndDelete()} was called) when the count
 * reaches zero. {@link #sync(long)} must be called by one thread at a time.
 */
public final class MappedRegion
{
    private static final long PAGE_SIZE = 4096;
    private static final int MS_SYNC = 4;
    private static final int MADV_POPULATE_WRITE = 23;
    private static volatile boolean populateSupported = true;
    private static final Logger LOG = LoggerFactory.getLogger(MappedRegion.class);

    private final Path path;
    private final int size;
    private final MappedFile mappedFile;
    private final MappedBytesStore store;
    private final ReferenceOwner owner;
    private final UnsafeBuffer buffer;
    private final AtomicInteger refs = new AtomicInteger(1);
    private long syncedLength;
    private volatile boolean deleteOnRelease;

    private MappedRegion(final Path path, final int size, final MappedFile mappedFile, final MappedBytesStore store,
        final ReferenceOwner owner)
    {
        this.path = path;
        this.size = size;
        this.mappedFile = mappedFile;
        this.store = store;
        this.owner = owner;
        this.buffer = new UnsafeBuffer(store.addressForWrite(0), size);
    }

    /**
     * Maps {@code path}, creating it when absent. A new file is allocated on disk up front (so a full
     * disk fails here, not with a fault on a later write); a shorter existing file (truncated by a crash
     * or by hand) is extended with zeros; a longer one is refused.
     *
     * @param path        the file.
     * @param size        the mapped size in bytes.
     * @param preallocate allocate the blocks of a new file now rather than on first write.
     * @return the mapped region, holding one reference for the caller.
     */
    public static MappedRegion map(final Path path, final int size, final boolean preallocate)
    {
        // Chronicle maps whole pages, so files are kept at a whole number of pages
        final long fileBytes = (size + PAGE_SIZE - 1) & -PAGE_SIZE;
        try
        {
            final boolean existed = Files.exists(path);
            final long length = existed ? Files.size(path) : -1;
            if (length > fileBytes)
            {
                throw new StorageException(ErrorCode.IO_ERROR, "file larger than expected: file=" + path +
                    ", bytes=" + length + ", expectedBytes=" + fileBytes);
            }
            if (!existed)
            {
                Preallocation.create(path, fileBytes, preallocate);
            }
            else if (length < fileBytes)
            {
                LOG.warn("extending short file: file={}, bytes={}, expectedBytes={}", path, length, fileBytes);
                try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
                {
                    raf.setLength(fileBytes);
                }
            }
            final ReferenceOwner owner = ReferenceOwner.temporary("rocklet:" + path.getFileName());
            final MappedFile mappedFile = MappedFile.ofSingle(path.toFile(), fileBytes, false);
            mappedFile.singleThreadedCheckDisabled(true);
            final MappedBytesStore store = mappedFile.acquireByteStore(owner, 0);
            store.singleThreadedCheckDisabled(true);
            // we msync ourselves and check the result; Chronicle's own sync only logs failures
            store.syncMode(SyncMode.NONE);
            return new MappedRegion(path, size, mappedFile, store, owner);
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot map file: file=" + path + ", bytes=" + size, e);
        }
        catch (final UncheckedIOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot map file: file=" + path + ", bytes=" + size,
                e.getCause());
        }
    }

    /**
     * @return the mapped bytes; valid while the caller holds a reference.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return a new {@link ByteBuffer} over the whole mapping, for JDK intrinsics (CRC32C).
     */
    public ByteBuffer newAlias()
    {
        return DirectBuffers.alias(buffer.addressOffset(), size);
    }

    public int size()
    {
        return size;
    }

    public Path path()
    {
        return path;
    }

    /**
     * Writes the dirty pages below {@code position} to disk and waits for the disk, for files written
     * front to back: pages below the position of the previous call are not looked at again. One
     * caller at a time.
     *
     * @param position exclusive end, relative to the start of the region.
     * @throws StorageException with {@link ErrorCode#IO_ERROR} when the kernel reports a failure.
     */
    public void sync(final long position)
    {
        final long end = Math.min(position, size);
        if (end <= syncedLength)
        {
            return;
        }
        final long start = syncedLength & -PAGE_SIZE;
        msync(start, end);
        syncedLength = end;
    }

    /**
     * Writes every dirty page of the region to disk and waits, for files written anywhere (the key
     * index). One caller at a time.
     */
    public void syncAll()
    {
        msync(0, size);
    }

    /**
     * Faults in the pages of [from, to) for writing without changing their content (Linux 5.14+
     * {@code MADV_POPULATE_WRITE}), so that a writer reaching them later does not stop to have them
     * allocated and zeroed. Safe while another thread writes the same pages.
     *
     * @return false when the kernel does not support it (then it is never tried again).
     */
    public boolean populate(final long from, final long to)
    {
        if (!populateSupported)
        {
            return false;
        }
        final long start = from & -PAGE_SIZE;
        final long end = Math.min((to + PAGE_SIZE - 1) & -PAGE_SIZE, (size + PAGE_SIZE - 1) & -PAGE_SIZE);
        if (end <= start)
        {
            return true;
        }
        if (PosixAPI.posix().madvise(buffer.addressOffset() + start, end - start, MADV_POPULATE_WRITE) != 0)
        {
            populateSupported = false;
            LOG.info("page pre-population unavailable, writers will fault pages in themselves: error={}",
                PosixAPI.posix().lastErrorStr());
            return false;
        }
        return true;
    }

    private void msync(final long start, final long end)
    {
        final long length = ((end + PAGE_SIZE - 1) & -PAGE_SIZE) - start;
        final int result = PosixAPI.posix().msync(buffer.addressOffset() + start, length, MS_SYNC);
        if (result != 0)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "msync failed: file=" + path + ", from=" + start +
                ", bytes=" + length + ", error=" + PosixAPI.posix().lastErrorStr());
        }
    }

    /**
     * @return true when a reference was taken; false when the region is already released.
     */
    public boolean tryRetain()
    {
        while (true)
        {
            final int current = refs.get();
            if (current <= 0)
            {
                return false;
            }
            if (refs.compareAndSet(current, current + 1))
            {
                return true;
            }
        }
    }

    /**
     * Drops one reference; the last one unmaps the file (and deletes it if so marked).
     */
    public void release()
    {
        final int remaining = refs.decrementAndGet();
        if (remaining == 0)
        {
            unmap();
        }
        else if (remaining < 0)
        {
            throw new IllegalStateException("region released too often: file=" + path);
        }
    }

    /**
     * Drops the creator's reference and deletes the file once no reader holds it.
     */
    public void releaseAndDelete()
    {
        deleteOnRelease = true;
        release();
    }

    private void unmap()
    {
        store.release(owner);
        mappedFile.releaseLast();
        if (store.refCount() > 0)
        {
            // the mapped file keeps its own reference to the store (it drops it only with -DmappedFile.retain):
            // without this the mapping stays until the JVM exits, and a JVM that opens stores again and again
            // runs out of map areas
            store.release(mappedFile);
        }
        if (deleteOnRelease)
        {
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException e)
            {
                LOG.warn("cannot delete file: file={}, error={}", path, e.toString());
            }
        }
    }

    @Override
    public String toString()
    {
        return "MappedRegion{" + path + ", bytes=" + size + '}';
    }
}
