package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.store.StoreConfig;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A broker server's store options: retention and disk pressure, key-index size, and what recovery may do
 * with damage. Absent options keep {@link StoreConfig}'s defaults (RocketMQ's, and safe: nothing unexpired is
 * deleted, damage that loses acknowledged data refuses the start).
 *
 * <pre>
 * --retention 72h                        delete segments whose last message is older than this
 * --disk-clean-ratio 0.75                disk pressure thresholds; above --disk-full-ratio writes are refused
 * --disk-force-clean-ratio 0.85          (DISK_FULL); the other two only matter with
 * --disk-full-ratio 0.90                 --delete-unexpired-on-disk-pressure
 * --delete-unexpired-on-disk-pressure    delete unexpired segments above the clean ratios (logged at WARN)
 * --index-entries N                      entries per key-index file (default: from the segment size)
 * --repair-damaged-log                   accept the loss of damaged data below the checkpoint (quarantine, cut)
 * --verify-log-on-open true|false        verify every record when the store opens (default true)
 * --verify-reads                         check each record's CRC when it is read
 * </pre>
 *
 * @param retention                     {@code --retention}, or null for the default.
 * @param diskCleanRatio                {@code --disk-clean-ratio}, or NaN for the default.
 * @param diskForceCleanRatio           {@code --disk-force-clean-ratio}, or NaN for the default.
 * @param diskFullRatio                 {@code --disk-full-ratio}, or NaN for the default.
 * @param deleteUnexpiredOnDiskPressure {@code --delete-unexpired-on-disk-pressure}.
 * @param indexEntriesPerFile           {@code --index-entries}, or 0 for the default.
 * @param repairDamagedLog              {@code --repair-damaged-log}.
 * @param verifyLogOnOpen               {@code --verify-log-on-open}.
 * @param verifyCrcOnRead               {@code --verify-reads}.
 */
public record StoreOptions(Duration retention, double diskCleanRatio, double diskForceCleanRatio,
    double diskFullRatio, boolean deleteUnexpiredOnDiskPressure, int indexEntriesPerFile, boolean repairDamagedLog,
    boolean verifyLogOnOpen, boolean verifyCrcOnRead)
{
    /**
     * @return the defaults.
     */
    public static StoreOptions defaults()
    {
        return new StoreOptions(null, Double.NaN, Double.NaN, Double.NaN, false, 0, false, true, false);
    }

    static StoreOptions parse(final Map<String, String> options)
    {
        final double clean = ratio(options, "disk-clean-ratio");
        final double force = ratio(options, "disk-force-clean-ratio");
        final double full = ratio(options, "disk-full-ratio");
        final double[] effective = {orDefault(clean, 0.75), orDefault(force, 0.85), orDefault(full, 0.90)};
        if (!(effective[0] <= effective[1] && effective[1] <= effective[2]))
        {
            throw new InvalidArgumentException("disk ratios must keep --disk-clean-ratio <= --disk-force-clean-ratio <= " +
                "--disk-full-ratio, got " + effective[0] + " / " + effective[1] + " / " + effective[2]);
        }
        return new StoreOptions(ServerOptions.duration(options, "retention", null), clean, force, full,
            ServerOptions.bool(options, "delete-unexpired-on-disk-pressure", false),
            ServerOptions.integer(options, "index-entries", 0, 16, 80_000_000),
            ServerOptions.bool(options, "repair-damaged-log", false),
            ServerOptions.bool(options, "verify-log-on-open", true),
            ServerOptions.bool(options, "verify-reads", false));
    }

    /**
     * Sets these options on a store configuration.
     */
    public StoreConfig.Builder applyTo(final StoreConfig.Builder builder)
    {
        if (retention != null)
        {
            builder.fileReservedTime(retention);
        }
        if (!Double.isNaN(diskCleanRatio) || !Double.isNaN(diskForceCleanRatio) || !Double.isNaN(diskFullRatio))
        {
            builder.diskRatios(orDefault(diskCleanRatio, 0.75), orDefault(diskForceCleanRatio, 0.85),
                orDefault(diskFullRatio, 0.90));
        }
        if (indexEntriesPerFile > 0)
        {
            builder.indexEntriesPerFile(indexEntriesPerFile);
        }
        return builder.deleteUnexpiredOnDiskPressure(deleteUnexpiredOnDiskPressure)
            .repairDamagedLog(repairDamagedLog)
            .verifyLogOnOpen(verifyLogOnOpen)
            .verifyCrcOnRead(verifyCrcOnRead);
    }

    private static double orDefault(final double value, final double defaultValue)
    {
        return Double.isNaN(value) ? defaultValue : value;
    }

    private static double ratio(final Map<String, String> options, final String name)
    {
        final String value = options.get(name);
        if (value == null)
        {
            return Double.NaN;
        }
        try
        {
            final double parsed = Double.parseDouble(value.trim().toLowerCase(Locale.ROOT));
            if (parsed > 0 && parsed <= 1)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new InvalidArgumentException("--" + name + " wants a ratio above 0 and at most 1 (e.g. 0.85), got '" +
            value + "'");
    }
}
