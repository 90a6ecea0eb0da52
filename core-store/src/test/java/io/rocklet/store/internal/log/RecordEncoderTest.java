package io.rocklet.store.internal.log;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import io.rocklet.store.AppendRequest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static io.rocklet.store.internal.log.RecordDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class RecordEncoderTest
{
    private static final int SEGMENT = 64 * 1024;

    private final ByteBuffer memory = ByteBuffer.allocateDirect(SEGMENT);
    private final UnsafeBuffer buffer = new UnsafeBuffer(memory);
    private final RecordEncoder encoder = new RecordEncoder(1024, 512, SEGMENT);

    @Test
    void shouldWriteEveryFieldWithAValidCrcWhenEncoding()
    {
        final Message message = Message.builder("orders").tag("créé").keys("k1", "ключ").property("p", "v")
            .property("empty", "").body("payload").build();
        final AppendRequest request = new AppendRequest(message, 3, 111L, "producer", 2, 77L, 9);
        final byte[] topic = "orders".getBytes(StandardCharsets.US_ASCII);

        final int length = encoder.measure(request, topic.length);
        encoder.encode(buffer, memory.duplicate(), 100, request, topic, 5L, 4096L, 222L);

        final RecordView view = new RecordView().wrap(buffer, 100);
        assertEquals(length, view.length());
        assertEquals(RECORD_MAGIC, view.magic());
        assertTrue(view.isWellFormed(), "parts add up to the length");
        assertEquals(3, view.queueId());
        assertEquals(5L, view.queueOffset());
        assertEquals(4096L, view.logOffset());
        assertEquals(9, view.flags());
        assertEquals(2, view.reconsumeTimes());
        assertEquals(111L, view.bornTimestampMs());
        assertEquals(222L, view.storeTimestampMs());
        assertEquals(77L, view.preparedTransactionOffset());
        assertEquals("orders", view.topic());
        assertTrue(view.topicEquals(topic), "topic bytes");
        assertFalse(view.topicEquals("order".getBytes(StandardCharsets.US_ASCII)), "another topic");
        assertEquals("producer", view.producerId());
        assertEquals("créé", view.tag());
        assertEquals(TagFilter.tagCode("créé"), view.tagCode(), "non-ASCII tag code matches the filter's");
        assertEquals(List.of("k1", "ключ"), view.keys());
        assertEquals(Map.of("p", "v", "empty", ""), view.properties());
        assertArrayEquals("payload".getBytes(StandardCharsets.UTF_8), view.body());

        final CRC32C crc = new CRC32C();
        final byte[] covered = new byte[length - CRC_START];
        buffer.getBytes(100 + CRC_START, covered);
        crc.update(covered);
        assertEquals((int)crc.getValue(), view.crc(), "CRC32C of bytes [12, length)");
    }

    @Test
    void shouldComputeTheSameTagCodeAsTheFilterWhenTagIsAscii()
    {
        final Message message = Message.builder("t").tag("TagA").body(new byte[0]).build();
        final AppendRequest request = AppendRequest.of(message, 0);

        encoder.measure(request, 1);
        encoder.encode(buffer, memory.duplicate(), 0, request, new byte[] {'t'}, 0, 0, 0);

        assertEquals(TagFilter.tagCode("TagA"), new RecordView().wrap(buffer, 0).tagCode());
        assertEquals(0, new RecordView().wrap(buffer, 0).bodyLength());
    }

    @Test
    void shouldRejectRequestNamingTheLimitWhenMeasuring()
    {
        final InvalidArgumentException body = assertThrows(InvalidArgumentException.class,
            () -> encoder.measure(AppendRequest.of(Message.of("orders", new byte[1025]), 0), 6));
        final InvalidArgumentException properties = assertThrows(InvalidArgumentException.class,
            () -> encoder.measure(AppendRequest.of(Message.builder("orders").property("p", "x".repeat(600))
                .body(new byte[1]).build(), 0), 6));
        final RecordEncoder large = new RecordEncoder(SEGMENT, 512, SEGMENT);
        final InvalidArgumentException segment = assertThrows(InvalidArgumentException.class,
            () -> large.measure(AppendRequest.of(Message.of("orders", new byte[SEGMENT - 100]), 0), 6));

        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, body.errorCode());
        assertEquals(ErrorCode.PROPERTIES_TOO_LARGE, properties.errorCode());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, segment.errorCode());
        assertTrue(segment.getMessage().contains("does not fit a segment"), segment.getMessage());
        assertEquals(maxRecordLength(SEGMENT), SEGMENT - SEGMENT_TRAILER_LENGTH - MIN_FILLER_LENGTH);
    }

    @Test
    void shouldWriteAFillerThatSpansToTheGivenEndWhenPadding()
    {
        RecordEncoder.encodeFiller(buffer, 1000, SEGMENT - SEGMENT_TRAILER_LENGTH);

        assertEquals(FILLER_MAGIC, buffer.getInt(1000 + MAGIC_OFFSET));
        assertEquals(SEGMENT - SEGMENT_TRAILER_LENGTH - 1000, buffer.getInt(1000 + LENGTH_OFFSET));
    }

    @Test
    void shouldEncodeAsManyBytesAsMeasuredWhenStringsHoldAnyCharacters()
    {
        final String[][] cases = {
            {"", ""}, {"ascii", "ascii"}, {"é", "é"}, {"€", "€"}, {"😀", "😀"}, {"x😀y€", "x😀y€"},
            {"a\uD800b", "a???b"}, {"\uDC00", "???"}};
        for (final String[] c : cases)
        {
            final int written = Utf8.encode(buffer, 0, c[0]);

            assertEquals(Utf8.encodedLength(c[0]), written, "length of " + c[1]);
            assertEquals(c[1], Utf8.decode(buffer, 0, written), "decoded " + c[1]);
        }
    }
}
