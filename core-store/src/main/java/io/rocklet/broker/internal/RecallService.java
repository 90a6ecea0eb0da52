package io.rocklet.broker.internal;

import io.rocklet.api.ClosedException;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.TopicNames;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.store.MessageStore;
import io.rocklet.store.StoredMessage;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Recalls (cancels) delayed messages before they are due (RocketMQ 5.3's recall). The caller's thread checks the
 * request and finds the message's copies by its unique id once every acknowledged send is readable; the copy
 * waiting in the schedule or timer topic for the request's topic is then recalled on the broker agent thread by the
 * {@link DelayedDelivery} that holds it (so a recall never races that message's delivery), which makes the cancel
 * durable before the future completes:
 * <ul>
 *   <li>RECALLED / ALREADY_RECALLED / ALREADY_DUE: as that duty answers (a timer recall record among the copies
 *       answers ALREADY_RECALLED at once);</li>
 *   <li>NOT_DELAYED: the message is stored in the topic and was never waiting;</li>
 *   <li>NOT_FOUND: no message with the id was sent to the topic here.</li>
 * </ul>
 * Thread-safe: {@link #recall} from any thread, {@link #runRecalls} on the agent thread.
 */
public final class RecallService
{
    private final MessageStore store;
    private final List<DelayedDelivery> deliveries;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    public RecallService(final MessageStore store, final List<DelayedDelivery> deliveries)
    {
        this.store = store;
        this.deliveries = List.copyOf(deliveries);
    }

    /**
     * @throws InvalidArgumentException for a malformed topic or a message id that is not a unique id.
     */
    public CompletableFuture<RecallStatus> recall(final RecallRequest request)
    {
        final String topic = request.topic();
        if (!TopicNames.isValid(topic) || topic.startsWith("%"))
        {
            throw new InvalidArgumentException("cannot recall: illegal topic=" + topic + ", messageId=" +
                request.messageId());
        }
        if (!UniqueMessageIds.isUniqueId(request.messageId()))
        {
            throw new InvalidArgumentException("cannot recall: topic=" + topic + ", illegal messageId=" +
                request.messageId() + " (a unique id of " + UniqueMessageIds.LENGTH + " hex digits)");
        }
        return store.whenReadable().thenCompose(readable -> find(topic, request.messageId()));
    }

    /**
     * Runs the recalls queued for the agent.
     *
     * @return how many ran.
     */
    public int runRecalls()
    {
        return commands.isEmpty() ? 0 : drain();
    }

    /**
     * Fails the recalls not run yet (the agent stopped) and refuses new ones. Idempotent.
     */
    public void close()
    {
        closed = true;
        drain();
    }

    private int drain()
    {
        int work = 0;
        Runnable command;
        while ((command = commands.poll()) != null)
        {
            command.run();
            work++;
        }
        return work;
    }

    private CompletableFuture<RecallStatus> find(final String topic, final String messageId)
    {
        boolean inTopic = false;
        StoredMessage waiting = null;
        DelayedDelivery holder = null;
        for (final StoredMessage copy : store.messagesById(messageId))
        {
            if (copy.topic().equals(topic))
            {
                inTopic = true;
                continue;
            }
            if (!topic.equals(copy.properties().get(SystemProperties.REAL_TOPIC)))
            {
                continue;
            }
            for (final DelayedDelivery delivery : deliveries)
            {
                if (delivery.holds(copy) && (waiting == null ||
                    copy.properties().containsKey(SystemProperties.RECALL_QUEUE_OFFSET)))
                {
                    waiting = copy;
                    holder = delivery;
                }
            }
        }
        if (waiting == null)
        {
            return CompletableFuture.completedFuture(inTopic ? RecallStatus.NOT_DELAYED : RecallStatus.NOT_FOUND);
        }
        final CompletableFuture<RecallStatus> answer = new CompletableFuture<>();
        final StoredMessage target = waiting;
        final DelayedDelivery duty = holder;
        commands.offer(() ->
        {
            if (closed)
            {
                answer.completeExceptionally(new ClosedException("broker closed before the recall ran: topic=" +
                    topic + ", messageId=" + messageId));
                return;
            }
            try
            {
                answer.complete(duty.recall(target));
            }
            catch (final RuntimeException e)
            {
                answer.completeExceptionally(e);
            }
        });
        if (closed)
        {
            drain(); // the agent may have stopped: answer now
        }
        return answer;
    }
}
