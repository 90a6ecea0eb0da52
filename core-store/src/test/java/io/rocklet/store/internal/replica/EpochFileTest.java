package io.rocklet.store.internal.replica;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import io.rocklet.api.spi.EpochEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpochFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepTheOldHistoryWhenACrashLeftAHalfWrittenTemporaryFile() throws Exception
    {
        final EpochFile epochs = EpochFile.load(dir, true);
        epochs.append(1, 0);
        epochs.append(2, 4096);
        Files.writeString(dir.resolve(EpochFile.FILE + ".tmp"), "epochs v1\n3 81", StandardCharsets.US_ASCII);
        final EpochFile reloaded = EpochFile.load(dir, true);
        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 4096)), reloaded.entries());
        reloaded.append(3, 8192); // the next write replaces the leftover
        assertEquals(3, EpochFile.load(dir, true).entries().size());
    }

    @Test
    void shouldRefuseToLoadWhenTheFileIsDamagedOrCutShort() throws Exception
    {
        final EpochFile epochs = EpochFile.load(dir, false);
        epochs.append(1, 0);
        epochs.append(2, 4096);
        final Path file = dir.resolve(EpochFile.FILE);
        final String text = Files.readString(file);
        Files.writeString(file, text.replace("2 4096", "2 4097"));
        final StorageException flipped = assertThrows(StorageException.class, () -> EpochFile.load(dir, false));
        assertEquals(ErrorCode.STORE_DAMAGED, flipped.errorCode());
        assertTrue(flipped.getMessage().contains("crc mismatch"), flipped.getMessage());
        Files.writeString(file, text.substring(0, text.length() - 12));
        assertEquals(ErrorCode.STORE_DAMAGED,
            assertThrows(StorageException.class, () -> EpochFile.load(dir, false)).errorCode());
    }

    @Test
    void shouldDropEntriesFromTheCutWhenTruncated()
    {
        final EpochFile epochs = EpochFile.load(dir, false);
        epochs.append(1, 0);
        epochs.append(2, 100);
        epochs.append(5, 300);
        assertEquals(2, epochs.truncateFrom(100));
        assertEquals(List.of(new EpochEntry(1, 0)), EpochFile.load(dir, false).entries());
        epochs.append(6, 100);
        assertEquals(new EpochEntry(6, 100), EpochFile.load(dir, false).last());
    }
}
