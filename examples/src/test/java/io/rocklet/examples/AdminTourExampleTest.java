package io.rocklet.examples;

import io.rocklet.api.admin.TopicInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class AdminTourExampleTest
{
    @Test
    void shouldShowTopicsLagMessageAndClusterWhenRun() throws Exception
    {
        final ExampleOutput output = new ExampleOutput();

        final AdminTour.Outcome outcome = AdminTour.run(output.stream);

        final List<String> topics = outcome.topics().stream().map(TopicInfo::name).toList();
        assertTrue(topics.containsAll(List.of("audit", "orders", "%RETRY%audit-log")), topics.toString());
        assertEquals(AdminTour.UNREAD, outcome.lag(), "billing read and committed all but the last five");
        assertEquals(1, outcome.byKey().size());
        assertEquals("{\"order\":7}", outcome.byKey().get(0).bodyText());
        assertEquals("c1", outcome.byKey().get(0).properties().get("customer"));
        assertTrue(outcome.cluster().routers().get(0).reachable());
        assertTrue(outcome.cluster().brokers().get(0).reachable());
        assertTrue(output.text().contains("total lag on orders: 5"), output.text());
        assertTrue(output.text().contains("member of audit-log"), output.text());
    }
}
