package io.rocklet.store;

import java.nio.file.Path;

/**
 * A damaged range of the commit log that recovery skipped: its bytes were copied to a quarantine file
 * before anything was changed, and the range was then marked as a gap that reads and scans step over.
 * Every record before and after it keeps its offsets.
 *
 * @param logOffset      first damaged byte (where the damaged record started).
 * @param bytes          length of the range: up to the next intact record, filler or segment start.
 * @param records        records the range held, as far as their headers can still be recognised (at least 1).
 * @param reason         what was wrong at {@code logOffset} (CRC mismatch, bad magic, zeros followed by data...).
 * @param segmentFile    the segment file holding {@code logOffset}.
 * @param quarantineFile where the damaged bytes were copied.
 */
public record DamagedRange(long logOffset, long bytes, long records, String reason, Path segmentFile,
    Path quarantineFile)
{
}
