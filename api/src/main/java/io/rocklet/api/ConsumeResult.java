package io.rocklet.api;

/**
 * A listener's verdict on a batch.
 */
public enum ConsumeResult
{
    /** Processed: the offset may be committed. */
    SUCCESS,
    /**
     * Not processed: deliver again later (concurrent: through the retry topic with growing back-off, to the
     * dead-letter topic after the maximum; orderly: in place after a pause).
     */
    RECONSUME_LATER
}
