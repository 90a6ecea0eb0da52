package io.rocklet.store;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Limits;
import io.rocklet.store.internal.log.RecordDescriptor;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a store is configured with. Build it with {@link #builder(Path)} (persistent) or
 * {@link #ephemeralBuilder()} (temporary directory, small files, no fsync, removed on close); the builder
 * validates every value once, in {@link Builder#build()}. Defaults are RocketMQ's.
 *
 * @param directory                  data directory (created if missing).
 * @param ephemeral                  delete the directory on close.
 * @param segmentSizeBytes           commit-log segment size (default 1 GiB; 64 KiB to 1 GiB, a multiple of 4 KiB).
 * @param consumeQueueEntriesPerFile entries per consume-queue file (default 300,000).
 * @param indexSlotsPerFile          hash slots per key-index file (default a quarter of the entries).
 * @param indexEntriesPerFile        entries per key-index file (default one per 48 bytes of a segment, 16,384 to
 *                                   20,000,000: RocketMQ's 20 M - a 500 MB file - with 1 GiB segments, 4.4 MB with
 *                                   8 MiB segments).
 * @param flushMode                  ASYNC (default) or SYNC (group commit).
 * @param flushInterval              ASYNC: how often the flusher looks for dirty pages (default 500 ms).
 * @param flushMinDirtyPages         ASYNC: flush only when at least this many 4 KiB pages are dirty (default 4)...
 * @param flushThoroughInterval      ...or when this long passed since the last flush (default 10 s).
 * @param checkpointInterval         how often consume queues and the index are synced and the checkpoint
 *                                   written (default 1 s); recovery after a crash starts from the checkpoint.
 * @param syncFlushTimeout           SYNC: how long an append waits for its flush (default 5 s).
 * @param fsync                      write to disk at all (false in ephemeral mode).
 * @param preallocate                reserve disk blocks when creating files (true; false in ephemeral mode).
 * @param maxBodyBytes               largest message body (default 4 MiB).
 * @param maxPropertiesBytes         largest producer id + tag + keys + properties, encoded (default 32 KiB - 1).
 * @param fileReservedTime           delete segments whose last message is older than this (default 72 h).
 * @param diskCleanRatio             above this disk usage, delete the oldest unexpired segment at each retention
 *                                   check - only with {@code deleteUnexpiredOnDiskPressure} (default 0.75).
 * @param diskForceCleanRatio        above this, up to ten a check - same condition (default 0.85).
 * @param diskFullRatio              refuse writes above this disk usage (default 0.90).
 * @param retentionCheckInterval     how often retention runs (default 10 s).
 * @param dispatchRingBytes          capacity of the ring between appenders and the dispatcher (default 4 MiB).
 * @param busyTimeout                how long an append waits for ring space before a BUSY error (default 1 s).
 * @param populateAheadBytes         the housekeeper faults in this much of the log ahead of the writer, so that
 *                                   appends do not stop for page allocation: up to 8 times what the writer
 *                                   wrote since the last look, at most this (default 32 MiB; 0 disables;
 *                                   ASYNC only).
 * @param verifyLogOnOpen            verify every record of the log (CRC32C) when the store opens, so that damage
 *                                   anywhere is found, quarantined and skipped (default true; false verifies only
 *                                   from the checkpoint, faster for large logs).
 * @param verifyCrcOnRead            reads check each record's CRC32C; a damaged record is an error for that record
 *                                   (default false: reads check the record header only).
 * @param repairDamagedLog           when the log lost records below the checkpoint and no intact record follows the
 *                                   damage, quarantine it and cut the log there instead of refusing to open
 *                                   (default false: refuse, naming the file and offset).
 * @param deleteUnexpiredOnDiskPressure delete unexpired segments above the clean ratios (default false: above
 *                                   {@code diskFullRatio} writes are refused with DISK_FULL and nothing unexpired
 *                                   is deleted).
 * @param threadingMode              how agents run (default DEDICATED).
 * @param clock                      wall clock for store timestamps and retention.
 * @param nanoClock                  monotonic clock for timeouts.
 * @param diskUsageProbe             reports volume usage.
 * @param arrivalListener            told when queues get new messages.
 */
public record StoreConfig(
    Path directory,
    boolean ephemeral,
    int segmentSizeBytes,
    int consumeQueueEntriesPerFile,
    int indexSlotsPerFile,
    int indexEntriesPerFile,
    FlushMode flushMode,
    Duration flushInterval,
    int flushMinDirtyPages,
    Duration flushThoroughInterval,
    Duration checkpointInterval,
    Duration syncFlushTimeout,
    boolean fsync,
    boolean preallocate,
    int maxBodyBytes,
    int maxPropertiesBytes,
    Duration fileReservedTime,
    double diskCleanRatio,
    double diskForceCleanRatio,
    double diskFullRatio,
    Duration retentionCheckInterval,
    int dispatchRingBytes,
    Duration busyTimeout,
    long populateAheadBytes,
    boolean verifyLogOnOpen,
    boolean verifyCrcOnRead,
    boolean repairDamagedLog,
    boolean deleteUnexpiredOnDiskPressure,
    ThreadingMode threadingMode,
    EpochClock clock,
    NanoClock nanoClock,
    DiskUsageProbe diskUsageProbe,
    MessageArrivalListener arrivalListener)
{
    public static final int MIN_SEGMENT_BYTES = 64 * 1024;
    public static final int MAX_SEGMENT_BYTES = 1 << 30;

    /**
     * @param directory the data directory.
     * @return a builder with RocketMQ's defaults.
     */
    public static Builder builder(final Path directory)
    {
        return new Builder(directory, false);
    }

    /**
     * @return a builder for a store in a new temporary directory, deleted on close: 8 MiB segments,
     *     small consume-queue and index files, no fsync, no preallocation.
     */
    public static Builder ephemeralBuilder()
    {
        return new Builder(null, true)
            .segmentSizeBytes(8 * 1024 * 1024)
            .consumeQueueEntriesPerFile(65_536)
            .indexSlotsPerFile(16_384)
            .indexEntriesPerFile(65_536)
            .fsync(false)
            .preallocate(false);
    }

    /**
     * @return a builder holding this configuration's values.
     */
    public Builder toBuilder()
    {
        final Builder b = new Builder(directory, ephemeral);
        b.segmentSizeBytes = segmentSizeBytes;
        b.consumeQueueEntriesPerFile = consumeQueueEntriesPerFile;
        b.indexSlotsPerFile = indexSlotsPerFile;
        b.indexEntriesPerFile = indexEntriesPerFile;
        b.flushMode = flushMode;
        b.flushInterval = flushInterval;
        b.flushMinDirtyPages = flushMinDirtyPages;
        b.flushThoroughInterval = flushThoroughInterval;
        b.checkpointInterval = checkpointInterval;
        b.syncFlushTimeout = syncFlushTimeout;
        b.fsync = fsync;
        b.preallocate = preallocate;
        b.maxBodyBytes = maxBodyBytes;
        b.maxPropertiesBytes = maxPropertiesBytes;
        b.fileReservedTime = fileReservedTime;
        b.diskCleanRatio = diskCleanRatio;
        b.diskForceCleanRatio = diskForceCleanRatio;
        b.diskFullRatio = diskFullRatio;
        b.retentionCheckInterval = retentionCheckInterval;
        b.dispatchRingBytes = dispatchRingBytes;
        b.busyTimeout = busyTimeout;
        b.populateAheadBytes = populateAheadBytes;
        b.verifyLogOnOpen = verifyLogOnOpen;
        b.verifyCrcOnRead = verifyCrcOnRead;
        b.repairDamagedLog = repairDamagedLog;
        b.deleteUnexpiredOnDiskPressure = deleteUnexpiredOnDiskPressure;
        b.threadingMode = threadingMode;
        b.clock = clock;
        b.nanoClock = nanoClock;
        b.diskUsageProbe = diskUsageProbe;
        b.arrivalListener = arrivalListener;
        return b;
    }

    /**
     * Collects values; {@link #build()} checks them all.
     */
    public static final class Builder
    {
        private Path directory;
        private final boolean ephemeral;
        private int segmentSizeBytes = MAX_SEGMENT_BYTES;
        private int consumeQueueEntriesPerFile = 300_000;
        private int indexSlotsPerFile;
        private int indexEntriesPerFile;
        private FlushMode flushMode = FlushMode.ASYNC;
        private Duration flushInterval = Duration.ofMillis(500);
        private int flushMinDirtyPages = 4;
        private Duration flushThoroughInterval = Duration.ofSeconds(10);
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private Duration syncFlushTimeout = Duration.ofSeconds(5);
        private boolean fsync = true;
        private boolean preallocate = true;
        private int maxBodyBytes = Limits.DEFAULT_MAX_BODY_BYTES;
        private int maxPropertiesBytes = Limits.MAX_PROPERTIES_BYTES;
        private Duration fileReservedTime = Duration.ofHours(72);
        private double diskCleanRatio = 0.75;
        private double diskForceCleanRatio = 0.85;
        private double diskFullRatio = 0.90;
        private Duration retentionCheckInterval = Duration.ofSeconds(10);
        private int dispatchRingBytes = 4 * 1024 * 1024;
        private Duration busyTimeout = Duration.ofSeconds(1);
        private long populateAheadBytes = 32L * 1024 * 1024;
        private boolean verifyLogOnOpen = true;
        private boolean verifyCrcOnRead;
        private boolean repairDamagedLog;
        private boolean deleteUnexpiredOnDiskPressure;
        private ThreadingMode threadingMode = ThreadingMode.DEDICATED;
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private DiskUsageProbe diskUsageProbe = DiskUsageProbe.FILE_SYSTEM;
        private MessageArrivalListener arrivalListener = MessageArrivalListener.NONE;

        private Builder(final Path directory, final boolean ephemeral)
        {
            this.directory = directory;
            this.ephemeral = ephemeral;
        }

        /** For an ephemeral store: where to create it (default: a new temporary directory). */
        public Builder directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        public Builder segmentSizeBytes(final int bytes)
        {
            this.segmentSizeBytes = bytes;
            return this;
        }

        public Builder consumeQueueEntriesPerFile(final int entries)
        {
            this.consumeQueueEntriesPerFile = entries;
            return this;
        }

        public Builder indexSlotsPerFile(final int slots)
        {
            this.indexSlotsPerFile = slots;
            return this;
        }

        public Builder indexEntriesPerFile(final int entries)
        {
            this.indexEntriesPerFile = entries;
            return this;
        }

        public Builder flushMode(final FlushMode mode)
        {
            this.flushMode = mode;
            return this;
        }

        public Builder flushInterval(final Duration interval)
        {
            this.flushInterval = interval;
            return this;
        }

        public Builder flushMinDirtyPages(final int pages)
        {
            this.flushMinDirtyPages = pages;
            return this;
        }

        public Builder flushThoroughInterval(final Duration interval)
        {
            this.flushThoroughInterval = interval;
            return this;
        }

        public Builder checkpointInterval(final Duration interval)
        {
            this.checkpointInterval = interval;
            return this;
        }

        public Builder syncFlushTimeout(final Duration timeout)
        {
            this.syncFlushTimeout = timeout;
            return this;
        }

        public Builder fsync(final boolean fsync)
        {
            this.fsync = fsync;
            return this;
        }

        public Builder preallocate(final boolean preallocate)
        {
            this.preallocate = preallocate;
            return this;
        }

        public Builder maxBodyBytes(final int bytes)
        {
            this.maxBodyBytes = bytes;
            return this;
        }

        public Builder maxPropertiesBytes(final int bytes)
        {
            this.maxPropertiesBytes = bytes;
            return this;
        }

        public Builder fileReservedTime(final Duration time)
        {
            this.fileReservedTime = time;
            return this;
        }

        public Builder diskRatios(final double clean, final double forceClean, final double full)
        {
            this.diskCleanRatio = clean;
            this.diskForceCleanRatio = forceClean;
            this.diskFullRatio = full;
            return this;
        }

        public Builder retentionCheckInterval(final Duration interval)
        {
            this.retentionCheckInterval = interval;
            return this;
        }

        public Builder dispatchRingBytes(final int bytes)
        {
            this.dispatchRingBytes = bytes;
            return this;
        }

        public Builder busyTimeout(final Duration timeout)
        {
            this.busyTimeout = timeout;
            return this;
        }

        public Builder populateAheadBytes(final long bytes)
        {
            this.populateAheadBytes = bytes;
            return this;
        }

        public Builder verifyLogOnOpen(final boolean verify)
        {
            this.verifyLogOnOpen = verify;
            return this;
        }

        public Builder verifyCrcOnRead(final boolean verify)
        {
            this.verifyCrcOnRead = verify;
            return this;
        }

        public Builder repairDamagedLog(final boolean repair)
        {
            this.repairDamagedLog = repair;
            return this;
        }

        public Builder deleteUnexpiredOnDiskPressure(final boolean delete)
        {
            this.deleteUnexpiredOnDiskPressure = delete;
            return this;
        }

        public Builder threadingMode(final ThreadingMode mode)
        {
            this.threadingMode = mode;
            return this;
        }

        public Builder clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        public Builder nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        public Builder diskUsageProbe(final DiskUsageProbe probe)
        {
            this.diskUsageProbe = probe;
            return this;
        }

        public Builder arrivalListener(final MessageArrivalListener listener)
        {
            this.arrivalListener = listener;
            return this;
        }

        /**
         * @return the validated configuration.
         * @throws InvalidArgumentException naming the first value that is wrong.
         */
        public StoreConfig build()
        {
            if (directory == null && !ephemeral)
            {
                throw new InvalidArgumentException("store config: directory is required for a persistent store");
            }
            check(segmentSizeBytes >= MIN_SEGMENT_BYTES && segmentSizeBytes <= MAX_SEGMENT_BYTES &&
                segmentSizeBytes % 4096 == 0, "segmentSizeBytes", segmentSizeBytes,
                "64 KiB to 1 GiB, a multiple of 4096");
            check(consumeQueueEntriesPerFile >= 16 && consumeQueueEntriesPerFile <= 50_000_000,
                "consumeQueueEntriesPerFile", consumeQueueEntriesPerFile, "16 to 50,000,000");
            final int indexEntriesPerFile = this.indexEntriesPerFile != 0 ? this.indexEntriesPerFile :
                Math.max(16_384, Math.min(20_000_000, segmentSizeBytes / 48));
            final int indexSlotsPerFile = this.indexSlotsPerFile != 0 ? this.indexSlotsPerFile :
                Math.max(16, indexEntriesPerFile / 4);
            check(indexSlotsPerFile >= 16 && indexEntriesPerFile >= 16 &&
                (long)indexSlotsPerFile * 4 + (long)indexEntriesPerFile * 24 + 64 <= Integer.MAX_VALUE,
                "indexSlotsPerFile/indexEntriesPerFile", indexSlotsPerFile + "/" + indexEntriesPerFile,
                "at least 16 each and a file under 2 GiB");
            checkNotNull(flushMode, "flushMode");
            checkPositive(flushInterval, "flushInterval");
            check(flushMinDirtyPages >= 0, "flushMinDirtyPages", flushMinDirtyPages, ">= 0");
            checkPositive(flushThoroughInterval, "flushThoroughInterval");
            checkPositive(checkpointInterval, "checkpointInterval");
            checkPositive(syncFlushTimeout, "syncFlushTimeout");
            check(maxBodyBytes >= 0, "maxBodyBytes", maxBodyBytes, ">= 0");
            check(maxPropertiesBytes >= 0 && maxPropertiesBytes <= Limits.MAX_PROPERTIES_BYTES, "maxPropertiesBytes",
                maxPropertiesBytes, "0 to " + Limits.MAX_PROPERTIES_BYTES);
            final long largestRecord = (long)RecordDescriptor.HEADER_LENGTH + Limits.MAX_TOPIC_LENGTH +
                maxPropertiesBytes + maxBodyBytes;
            check(largestRecord <= RecordDescriptor.maxRecordLength(segmentSizeBytes), "maxBodyBytes", maxBodyBytes,
                "a largest record (" + largestRecord + " bytes) that fits segmentSizeBytes=" + segmentSizeBytes +
                "; lower maxBodyBytes or raise segmentSizeBytes");
            checkPositive(fileReservedTime, "fileReservedTime");
            check(diskCleanRatio > 0 && diskCleanRatio <= diskForceCleanRatio && diskForceCleanRatio <= diskFullRatio &&
                diskFullRatio <= 1.0, "diskRatios", diskCleanRatio + "/" + diskForceCleanRatio + "/" + diskFullRatio,
                "0 < clean <= forceClean <= full <= 1");
            checkPositive(retentionCheckInterval, "retentionCheckInterval");
            check(dispatchRingBytes >= 4096 && Integer.bitCount(dispatchRingBytes) == 1, "dispatchRingBytes",
                dispatchRingBytes, "a power of two >= 4096");
            checkPositive(busyTimeout, "busyTimeout");
            check(populateAheadBytes >= 0, "populateAheadBytes", populateAheadBytes, ">= 0");
            checkNotNull(threadingMode, "threadingMode");
            checkNotNull(clock, "clock");
            checkNotNull(nanoClock, "nanoClock");
            checkNotNull(diskUsageProbe, "diskUsageProbe");
            checkNotNull(arrivalListener, "arrivalListener");
            return new StoreConfig(directory, ephemeral, segmentSizeBytes, consumeQueueEntriesPerFile,
                indexSlotsPerFile, indexEntriesPerFile, flushMode, flushInterval, flushMinDirtyPages,
                flushThoroughInterval, checkpointInterval, syncFlushTimeout, fsync, preallocate, maxBodyBytes,
                maxPropertiesBytes, fileReservedTime, diskCleanRatio, diskForceCleanRatio, diskFullRatio,
                retentionCheckInterval, dispatchRingBytes, busyTimeout, populateAheadBytes, verifyLogOnOpen,
                verifyCrcOnRead, repairDamagedLog, deleteUnexpiredOnDiskPressure, threadingMode, clock, nanoClock,
                diskUsageProbe, arrivalListener);
        }

        private static void check(final boolean ok, final String name, final Object value, final String allowed)
        {
            if (!ok)
            {
                throw new InvalidArgumentException("store config: illegal " + name + "=" + value + ", allowed: " +
                    allowed);
            }
        }

        private static void checkPositive(final Duration duration, final String name)
        {
            check(duration != null && !duration.isNegative() && !duration.isZero(), name, duration, "> 0");
        }

        private static void checkNotNull(final Object value, final String name)
        {
            check(value != null, name, null, "not null");
        }
    }
}
