package io.rocklet.store.internal.file;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Creates direct {@link ByteBuffer}s that alias memory we already own (a mapped segment), so that
 * JDK intrinsics such as {@link java.util.zip.CRC32C#update(ByteBuffer)} run on it without a copy.
 * Needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED}, one of the Chronicle flags.
 */
public final class DirectBuffers
{
    private static final MethodHandle CONSTRUCTOR = findConstructor();

    private DirectBuffers()
    {
    }

    /**
     * @param address  start of the memory; it must stay valid for as long as the buffer is used.
     * @param capacity number of bytes.
     * @return a buffer over the memory, position 0, limit {@code capacity}.
     */
    public static ByteBuffer alias(final long address, final int capacity)
    {
        try
        {
            return (ByteBuffer)CONSTRUCTOR.invoke(address, capacity);
        }
        catch (final RuntimeException | Error e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new RockletException(ErrorCode.ENVIRONMENT, "cannot alias direct memory: address=" + address, t);
        }
    }

    private static MethodHandle findConstructor()
    {
        try
        {
            final Class<?> type = Class.forName("java.nio.DirectByteBuffer");
            final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            try
            {
                return lookup.findConstructor(type, MethodType.methodType(void.class, long.class, int.class))
                    .asType(MethodType.methodType(ByteBuffer.class, long.class, int.class));
            }
            catch (final NoSuchMethodException e)
            {
                // Java 21+: DirectByteBuffer(long addr, long cap)
                final MethodHandle handle = lookup.findConstructor(type,
                    MethodType.methodType(void.class, long.class, long.class));
                return MethodHandles.explicitCastArguments(handle,
                    MethodType.methodType(ByteBuffer.class, long.class, int.class));
            }
        }
        catch (final ReflectiveOperationException | IllegalAccessError | SecurityException e)
        {
            throw new RockletException(ErrorCode.ENVIRONMENT, "cannot alias direct memory; start java with " +
                JvmFlags.ALL_FLAGS, e);
        }
        catch (final RuntimeException e)
        {
            throw new RockletException(ErrorCode.ENVIRONMENT, "cannot alias direct memory; start java with " +
                JvmFlags.ALL_FLAGS, e);
        }
    }
}
