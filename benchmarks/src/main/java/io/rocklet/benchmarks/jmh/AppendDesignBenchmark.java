package io.rocklet.benchmarks.jmh;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Why the store encodes records on the appending thread (see {@code StoreWriter}): one appender
 * writing 128 B records (80-byte header + body + CRC32C) into the same memory target two ways.
 * <ul>
 *   <li>{@link #direct}: take a lock, encode the record with its CRC straight into memory on the
 *       caller's thread (the store's design).</li>
 *   <li>{@link #ringbufferHandoff}: copy the record's fields and body into an Agrona
 *       {@link ManyToOneRingBuffer}; a writer thread drains it and encodes each record with its CRC into
 *       memory (the alternative). The appender does not wait for its record to be written, which
 *       favours this design: a real store would have to hand the log offset back.</li>
 * </ul>
 * The ring is small, so the appender's rate is bounded by the writer's in steady state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class AppendDesignBenchmark
{
    static final int BODY_BYTES = 128;
    static final int TARGET_BYTES = 64 * 1024 * 1024;
    static final int RING_BYTES = 1024 * 1024;
    static final int MSG_RECORD = 1;

    /**
     * The record both designs append.
     */
    @State(Scope.Benchmark)
    public static class Record
    {
        final UnsafeBuffer body = new UnsafeBuffer(new byte[BODY_BYTES]);
        final EpochClock clock = SystemEpochClock.INSTANCE;
        final long bornTimestampMs = System.currentTimeMillis();

        @Setup(Level.Trial)
        public void fill()
        {
            final byte[] bytes = new byte[BODY_BYTES];
            new Random(42).nextBytes(bytes);
            body.putBytes(0, bytes);
        }
    }

    /**
     * The store's design: a lock and the sink, used on the caller's thread.
     */
    @State(Scope.Benchmark)
    public static class Direct
    {
        final ReentrantLock lock = new ReentrantLock();
        DesignRecordSink sink;

        @Setup(Level.Trial)
        public void open()
        {
            sink = new DesignRecordSink(TARGET_BYTES);
        }
    }

    /**
     * The alternative: a ring to a writer thread that owns the sink.
     */
    @State(Scope.Benchmark)
    public static class Handoff
    {
        ManyToOneRingBuffer ring;
        AgentRunner runner;

        @Setup(Level.Trial)
        public void start(final Record record)
        {
            ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
            final HandoffWriter writer = new HandoffWriter(ring, new DesignRecordSink(TARGET_BYTES), record.clock);
            runner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, writer);
            AgentRunner.startOnThread(runner);
        }

        @TearDown(Level.Trial)
        public void stop()
        {
            runner.close();
        }
    }

    @Benchmark
    public long direct(final Direct state, final Record record)
    {
        state.lock.lock();
        try
        {
            return state.sink.append(0, record.bornTimestampMs, record.clock.time(), record.body, 0, BODY_BYTES);
        }
        finally
        {
            state.lock.unlock();
        }
    }

    @Benchmark
    public int ringbufferHandoff(final Handoff state, final Record record)
    {
        final ManyToOneRingBuffer ring = state.ring;
        final int length = HandoffWriter.BODY_OFFSET + BODY_BYTES;
        int index = ring.tryClaim(MSG_RECORD, length);
        while (index <= 0)
        {
            Thread.onSpinWait();
            index = ring.tryClaim(MSG_RECORD, length);
        }
        final UnsafeBuffer buffer = (UnsafeBuffer)ring.buffer();
        buffer.putInt(index + HandoffWriter.QUEUE_ID_OFFSET, 0);
        buffer.putLong(index + HandoffWriter.BORN_TIMESTAMP_OFFSET, record.bornTimestampMs);
        buffer.putBytes(index + HandoffWriter.BODY_OFFSET, record.body, 0, BODY_BYTES);
        ring.commit(index);
        return index;
    }
}
