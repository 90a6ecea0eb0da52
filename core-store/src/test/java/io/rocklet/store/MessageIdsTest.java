package io.rocklet.store;

import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MessageIdsTest
{
    @Test
    void shouldDecodeWhatWasEncodedWhenRoundTripped()
    {
        for (final long offset : new long[] {0, 1, 65_536, Long.MAX_VALUE, -1L})
        {
            for (final int tag : new int[] {0, 1, 0x7FFFFFFF, -1, 0xCAFEBABE})
            {
                final String id = MessageIds.encode(tag, offset);

                assertEquals(MessageIds.LENGTH, id.length(), id);
                assertEquals(tag, MessageIds.storeTag(id), id);
                assertEquals(offset, MessageIds.logOffset(id), id);
            }
        }
        assertEquals("CAFEBABE0000000000010000", MessageIds.encode(0xCAFEBABE, 65_536));
    }

    @Test
    void shouldAcceptLowerCaseHexWhenDecoding()
    {
        assertEquals(0xCAFEBABE, MessageIds.storeTag("cafebabe0000000000010000"));
    }

    @Test
    void shouldRejectIdNamingTheProblemWhenMalformed()
    {
        final InvalidArgumentException length = assertThrows(InvalidArgumentException.class,
            () -> MessageIds.logOffset("ABC"));
        final InvalidArgumentException digit = assertThrows(InvalidArgumentException.class,
            () -> MessageIds.storeTag("CAFEBABE00000000000100Z0"));

        assertTrue(length.getMessage().contains("messageId=ABC") && length.getMessage().contains("24 hex digits"),
            length.getMessage());
        assertTrue(digit.getMessage().contains("index 22"), digit.getMessage());
        assertThrows(InvalidArgumentException.class, () -> MessageIds.storeTag(null));
    }
}
