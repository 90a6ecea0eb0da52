package io.rocklet.store.internal.recovery;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.store.internal.file.DirectorySync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The checkpoint: a log position below which consume queues and the key index are on disk and match
 * the log, plus a manifest of the queues (with their offsets at that point) and index files, so that
 * recovery can tell a deleted or damaged file from one that never existed.
 *
 * <p>File format (little-endian), replaced atomically (write, sync, rename):
 * <pre>
 *  0  4  magic "RKCP"      4  4  version 2
 *  8  8  log position     16  8  store timestamp of the last record below it, ms
 * 24  4  queue count, then per queue: [u8 topic length][topic][i32 queue id][i64 min offset][i64 next offset]
 *     4  index file count, then per file: [i64 first log offset]
 *     4  CRC32C of everything before
 * </pre>
 *
 * @param position              log position everything below which is dispatched and durable.
 * @param lastStoreTimestampMs  store time of the last record below {@code position}.
 * @param queues                queues that existed, each with its next offset at the checkpoint.
 * @param indexFiles            first log offsets of the index files that existed.
 */
public record Checkpoint(long position, long lastStoreTimestampMs, List<QueueMark> queues, List<Long> indexFiles)
{
    public static final String FILE = "checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final int MAGIC = 0x524B4350;
    private static final int VERSION = 2;

    /**
     * @param topic      the topic.
     * @param queueId    the queue.
     * @param minOffset  the queue's min offset when the checkpoint was taken.
     * @param nextOffset the queue's max offset when the checkpoint was taken.
     */
    public record QueueMark(String topic, int queueId, long minOffset, long nextOffset)
    {
    }

    public Checkpoint
    {
        queues = List.copyOf(queues);
        indexFiles = List.copyOf(indexFiles);
    }

    /**
     * @return the checkpoint in {@code directory}, or null when there is none or it is damaged (logged).
     */
    public static Checkpoint read(final Path directory)
    {
        final Path file = directory.resolve(FILE);
        if (!Files.exists(file))
        {
            return null;
        }
        try
        {
            final ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            if (buffer.remaining() < 32 + 4)
            {
                LOG.warn("ignoring short checkpoint: file={}, bytes={}", file, buffer.remaining());
                return null;
            }
            final CRC32C crc = new CRC32C();
            crc.update(buffer.array(), 0, buffer.limit() - 4);
            if ((int)crc.getValue() != buffer.getInt(buffer.limit() - 4) || buffer.getInt(0) != MAGIC ||
                buffer.getInt(4) != VERSION)
            {
                LOG.warn("ignoring damaged checkpoint: file={}", file);
                return null;
            }
            buffer.position(8);
            final long position = buffer.getLong();
            final long lastStoreTimestamp = buffer.getLong();
            final int queueCount = buffer.getInt();
            final List<QueueMark> queues = new ArrayList<>(queueCount);
            for (int i = 0; i < queueCount; i++)
            {
                final byte[] topic = new byte[buffer.get() & 0xFF];
                buffer.get(topic);
                queues.add(new QueueMark(new String(topic, StandardCharsets.US_ASCII), buffer.getInt(), buffer.getLong(),
                    buffer.getLong()));
            }
            final int indexCount = buffer.getInt();
            final List<Long> indexFiles = new ArrayList<>(indexCount);
            for (int i = 0; i < indexCount; i++)
            {
                indexFiles.add(buffer.getLong());
            }
            return new Checkpoint(position, lastStoreTimestamp, queues, indexFiles);
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.warn("ignoring unreadable checkpoint: file={}, error={}", file, e.toString());
            return null;
        }
    }

    /**
     * Replaces the checkpoint in {@code directory} atomically.
     *
     * @param fsync sync the file and the directory before returning.
     */
    public void write(final Path directory, final boolean fsync)
    {
        int size = 32 + 4 + 8 * indexFiles.size() + 4;
        for (final QueueMark queue : queues)
        {
            size += 1 + queue.topic().length() + 4 + 8 + 8;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC).putInt(VERSION).putLong(position).putLong(lastStoreTimestampMs).putInt(queues.size());
        for (final QueueMark queue : queues)
        {
            final byte[] topic = queue.topic().getBytes(StandardCharsets.US_ASCII);
            buffer.put((byte)topic.length).put(topic).putInt(queue.queueId()).putLong(queue.minOffset())
                .putLong(queue.nextOffset());
        }
        buffer.putInt(indexFiles.size());
        for (final long base : indexFiles)
        {
            buffer.putLong(base);
        }
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int)crc.getValue());
        buffer.flip();

        final Path temp = directory.resolve(FILE + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                if (fsync)
                {
                    channel.force(true);
                }
            }
            Files.move(temp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
            if (fsync)
            {
                DirectorySync.sync(directory);
            }
        }
        catch (final IOException e)
        {
            throw new StorageException(ErrorCode.IO_ERROR, "cannot write checkpoint: dir=" + directory, e);
        }
    }
}
