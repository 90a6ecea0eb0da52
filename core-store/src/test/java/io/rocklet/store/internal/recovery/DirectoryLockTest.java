package io.rocklet.store.internal.recovery;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DirectoryLockTest
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try")
    void shouldRefuseSecondLockWhenTheDirectoryIsLockedInThisJvm()
    {
        try (DirectoryLock ignored = DirectoryLock.acquire(dir))
        {
            final StorageException e = assertThrows(StorageException.class, () -> DirectoryLock.acquire(dir));

            assertEquals(ErrorCode.DIRECTORY_LOCKED, e.errorCode());
            assertTrue(e.getMessage().contains("in this JVM") && e.getMessage().contains(dir.toString()),
                e.getMessage());
        }
    }

    @Test
    void shouldLockAgainWhenReleased()
    {
        DirectoryLock.acquire(dir).close();

        assertDoesNotThrow(() -> DirectoryLock.acquire(dir).close());
    }

    @Test
    void shouldFailWithIoErrorWhenTheDirectoryDoesNotExist()
    {
        final StorageException e = assertThrows(StorageException.class,
            () -> DirectoryLock.acquire(dir.resolve("missing")));

        assertEquals(ErrorCode.IO_ERROR, e.errorCode());
    }
}
