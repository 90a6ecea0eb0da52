package io.rocklet.transport.grpc;

import com.google.protobuf.ByteString;
import io.rocklet.api.MessageView;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.transport.grpc.proto.BrokerProto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One queue of a fake broker, for {@link FakeBroker#on}{@code ("pull", ...)}: messages at offsets 0 until its end,
 * a pull reads up to its {@code maxCount} from its offset or, at the end, is held until {@link #append} adds
 * messages (held pulls never expire). Counts the pulls and the messages answered. Thread-safe.
 */
final class FakeQueue
{
    private final String topic;
    private final List<Held> held = new ArrayList<>();
    private long end;
    private int pulls;
    private int pulledMessages;

    /** A pull waiting for messages. */
    private record Held(PullRequest request, CompletableFuture<PullResult> answer)
    {
    }

    FakeQueue(final String topic, final long end)
    {
        this.topic = topic;
        this.end = end;
    }

    synchronized CompletableFuture<PullResult> pull(final PullRequest request)
    {
        pulls++;
        if (request.offset() < end)
        {
            return CompletableFuture.completedFuture(read(request));
        }
        final CompletableFuture<PullResult> answer = new CompletableFuture<>();
        held.add(new Held(request, answer));
        return answer;
    }

    /**
     * Adds {@code count} messages and answers the held pulls.
     */
    void append(final int count)
    {
        final List<Held> ready;
        final List<PullResult> answers = new ArrayList<>();
        synchronized (this)
        {
            end += count;
            ready = List.copyOf(held);
            held.clear();
            ready.forEach(pull -> answers.add(read(pull.request())));
        }
        for (int i = 0; i < ready.size(); i++)
        {
            ready.get(i).answer().complete(answers.get(i));
        }
    }

    synchronized int pulls()
    {
        return pulls;
    }

    synchronized int pulledMessages()
    {
        return pulledMessages;
    }

    synchronized int heldPulls()
    {
        return held.size();
    }

    private PullResult read(final PullRequest request)
    {
        final long last = Math.min(end, request.offset() + request.maxCount());
        final List<MessageView> messages = new ArrayList<>();
        for (long offset = request.offset(); offset < last; offset++)
        {
            messages.add(message(offset));
        }
        pulledMessages += messages.size();
        return new PullResult(PullStatus.FOUND, last, 0, end, messages);
    }

    private MessageView message(final long offset)
    {
        return new WireMessageView(BrokerProto.StoredMessage.newBuilder()
            .setMessageId("m-" + offset)
            .setTopic(topic)
            .putAllProperties(Map.of())
            .setBody(ByteString.copyFrom("body-" + offset, StandardCharsets.UTF_8))
            .setQueueOffset(offset)
            .build());
    }
}
