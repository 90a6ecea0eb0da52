package io.rocklet.transport.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How messages cross the wire with few copies. Requests are serialized straight into the transport by the
 * generated marshallers; a received message is read into one array of its exact size and parsed with aliasing, so
 * {@code bytes} fields (message bodies) are views of that array, not copies. Servers receive raw frames
 * ({@link #FRAME}) and parse them themselves, so that a malformed frame is answered with a clear INVALID_ARGUMENT
 * instead of gRPC's generic error. Stateless apart from a cache of client-side method descriptors.
 */
final class Marshallers
{
    /** A message as the bytes of its frame. */
    static final MethodDescriptor.Marshaller<byte[]> FRAME = new MethodDescriptor.Marshaller<>()
    {
        @Override
        public InputStream stream(final byte[] value)
        {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(final InputStream stream)
        {
            return readFrame(stream);
        }
    };

    private static final ConcurrentHashMap<String, MethodDescriptor<?, ?>> CLIENT_METHODS = new ConcurrentHashMap<>();

    private Marshallers()
    {
    }

    /**
     * @return {@code method} with a response marshaller that parses with aliasing (cached per method).
     */
    @SuppressWarnings("unchecked")
    static <P extends MessageLite, R extends MessageLite> MethodDescriptor<P, R> forClient(
        final MethodDescriptor<P, R> method)
    {
        return (MethodDescriptor<P, R>) CLIENT_METHODS.computeIfAbsent(method.getFullMethodName(), name ->
            method.toBuilder(method.getRequestMarshaller(), aliasing(method.getResponseMarshaller())).build());
    }

    /**
     * @return {@code method} taking raw request frames, for a server that parses them itself.
     */
    static <P, R> MethodDescriptor<byte[], R> forServer(final MethodDescriptor<P, R> method)
    {
        return method.toBuilder(FRAME, method.getResponseMarshaller()).build();
    }

    /**
     * @return the parser of the method's request type.
     */
    @SuppressWarnings("unchecked")
    static <P extends MessageLite> Parser<P> requestParser(final MethodDescriptor<P, ?> method)
    {
        return (Parser<P>) prototype(method.getRequestMarshaller()).getParserForType();
    }

    /**
     * Parses a whole frame; {@code bytes} fields alias {@code frame}, which must not change afterwards.
     *
     * @throws InvalidProtocolBufferException when the frame is not a valid message of the type.
     */
    static <T extends MessageLite> T parse(final Parser<T> parser, final byte[] frame)
        throws InvalidProtocolBufferException
    {
        // a stream over an immutable buffer, so that aliasing applies (newInstance(byte[]) copies bytes fields)
        final CodedInputStream input = UnsafeByteOperations.unsafeWrap(frame).newCodedInput();
        input.enableAliasing(true);
        final T message = parser.parseFrom(input);
        input.checkLastTagWas(0);
        return message;
    }

    private static <T extends MessageLite> MethodDescriptor.Marshaller<T> aliasing(
        final MethodDescriptor.Marshaller<T> generated)
    {
        final Parser<T> parser = parserOf(generated);
        return new MethodDescriptor.Marshaller<>()
        {
            @Override
            public InputStream stream(final T value)
            {
                return generated.stream(value);
            }

            @Override
            public T parse(final InputStream stream)
            {
                try
                {
                    return Marshallers.parse(parser, readFrame(stream));
                }
                catch (final InvalidProtocolBufferException e)
                {
                    throw Status.INTERNAL.withDescription("malformed answer: " + e.getMessage()).withCause(e)
                        .asRuntimeException();
                }
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends MessageLite> Parser<T> parserOf(final MethodDescriptor.Marshaller<T> marshaller)
    {
        return (Parser<T>) prototype(marshaller).getParserForType();
    }

    private static MessageLite prototype(final MethodDescriptor.Marshaller<?> marshaller)
    {
        if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> prototyped &&
            prototyped.getMessagePrototype() instanceof MessageLite prototype)
        {
            return prototype;
        }
        throw new IllegalStateException("not a protobuf marshaller: " + marshaller);
    }

    private static byte[] readFrame(final InputStream stream)
    {
        try
        {
            if (stream instanceof KnownLength)
            {
                final byte[] frame = stream.readNBytes(stream.available());
                if (stream.available() == 0)
                {
                    return frame;
                }
                final byte[] rest = stream.readAllBytes();
                final byte[] whole = new byte[frame.length + rest.length];
                System.arraycopy(frame, 0, whole, 0, frame.length);
                System.arraycopy(rest, 0, whole, frame.length, rest.length);
                return whole;
            }
            return stream.readAllBytes();
        }
        catch (final IOException e)
        {
            throw Status.INTERNAL.withDescription("cannot read a frame: " + e.getMessage()).withCause(e)
                .asRuntimeException();
        }
    }
}
