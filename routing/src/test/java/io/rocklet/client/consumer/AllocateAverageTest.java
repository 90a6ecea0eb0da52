package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class AllocateAverageTest
{
    private static List<MessageQueue> queues(final int perBroker, final String... brokers)
    {
        final List<MessageQueue> queues = new ArrayList<>();
        for (final String broker : brokers)
        {
            for (int i = 0; i < perBroker; i++)
            {
                queues.add(new MessageQueue("T", broker, i));
            }
        }
        return queues;
    }

    private static List<List<MessageQueue>> shares(final List<String> members, final List<MessageQueue> queues)
    {
        final List<List<MessageQueue>> shares = new ArrayList<>();
        for (final String member : members)
        {
            shares.add(AllocateAverage.allocate(member, members, queues));
        }
        return shares;
    }

    private static void assertPartition(final List<List<MessageQueue>> shares, final List<MessageQueue> queues)
    {
        final Set<MessageQueue> seen = new HashSet<>();
        for (final List<MessageQueue> share : shares)
        {
            for (final MessageQueue queue : share)
            {
                assertTrue(seen.add(queue), "queue given twice: " + queue);
            }
        }
        assertEquals(new HashSet<>(queues), seen);
    }

    @Test
    void shouldGiveFourQueuesEachWhenThreeMembersShareTwelveQueues()
    {
        final List<MessageQueue> queues = queues(6, "b1", "b2");
        final List<String> members = List.of("c1", "c2", "c3");

        final List<List<MessageQueue>> shares = shares(members, queues);

        shares.forEach(share -> assertEquals(4, share.size(), "share=" + share));
        assertPartition(shares, queues);
        assertEquals(List.of(new MessageQueue("T", "b1", 0), new MessageQueue("T", "b1", 1),
            new MessageQueue("T", "b1", 2), new MessageQueue("T", "b1", 3)), shares.get(0));
        assertEquals(List.of(new MessageQueue("T", "b2", 2), new MessageQueue("T", "b2", 3),
            new MessageQueue("T", "b2", 4), new MessageQueue("T", "b2", 5)), shares.get(2));
    }

    @Test
    void shouldGiveTheFirstMembersOneMoreWhenQueuesDoNotDivideEvenly()
    {
        final List<MessageQueue> queues = queues(8, "b1");
        final List<String> members = List.of("c1", "c2", "c3");

        final List<List<MessageQueue>> shares = shares(members, queues);

        assertEquals(List.of(3, 3, 2), shares.stream().map(List::size).toList());
        assertEquals(queues.subList(0, 3), shares.get(0));
        assertEquals(queues.subList(3, 6), shares.get(1));
        assertEquals(queues.subList(6, 8), shares.get(2));
        assertPartition(shares, queues);
    }

    @Test
    void shouldLeaveTheLastMembersWithoutQueuesWhenMembersOutnumberQueues()
    {
        final List<MessageQueue> queues = queues(3, "b1");
        final List<String> members = List.of("c1", "c2", "c3", "c4", "c5");

        final List<List<MessageQueue>> shares = shares(members, queues);

        assertEquals(List.of(1, 1, 1, 0, 0), shares.stream().map(List::size).toList());
        assertPartition(shares, queues);
    }

    @Test
    void shouldGiveNothingWhenSelfIsNotAMember()
    {
        assertEquals(List.of(), AllocateAverage.allocate("stranger", List.of("c1", "c2"), queues(4, "b1")));
        assertEquals(List.of(), AllocateAverage.allocate("c1", List.of("c1"), List.of()));
    }

    @Test
    void shouldSplitTheSameWayWhateverTheOrderOfTheInputs()
    {
        final List<MessageQueue> queues = queues(5, "b1", "b2", "b3");
        final List<String> members = List.of("c1", "c2", "c3", "c4");
        final List<List<MessageQueue>> expected = shares(members, queues);
        final Random random = new Random(42);
        for (int round = 0; round < 20; round++)
        {
            final List<MessageQueue> shuffledQueues = new ArrayList<>(queues);
            final List<String> shuffledMembers = new ArrayList<>(members);
            Collections.shuffle(shuffledQueues, random);
            Collections.shuffle(shuffledMembers, random);
            for (int i = 0; i < members.size(); i++)
            {
                assertEquals(expected.get(i),
                    AllocateAverage.allocate(members.get(i), shuffledMembers, shuffledQueues));
            }
        }
        assertEquals(List.of(4, 4, 4, 3), expected.stream().map(List::size).toList());
    }
}
