package io.rocklet.testkit;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.Credentials;
import io.rocklet.auth.Acl;
import io.rocklet.auth.AclFile;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The test kit runs its broker with authorization on: its own client (topics, producers, consumers) signs as a
 * super user; other identities get what their policies allow.
 */
@Timeout(60)
class AccessControlledBrokerTest
{
    private static final Credentials KIT = new Credentials("kit", "kit-secret");
    private static final Credentials READER = new Credentials("reader", "reader-secret");

    @RegisterExtension
    static final RockletExtension ROCKLET = RockletExtension.builder()
        .accessControl(Acl.of(AclFile.parse(List.of(
            "user kit kind=super secret=kit-secret",
            "user broker kind=member secret=member-secret",
            "user reader kind=client secret=reader-secret",
            "allow reader Sub topic:*,group:*"), "test")), new Credentials("broker", "member-secret"), KIT)
        .build();

    @Test
    void shouldSendAndReceiveThroughKitWhenItsClientIsAllowed(final TestTopic topic)
    {
        topic.send("hello");

        assertEquals("hello", new String(topic.receive(1, Duration.ofSeconds(10)).get(0).bodyBytes(),
            StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseOtherIdentitiesWhenPoliciesDoNotAllow(final TestTopic topic, final EmbeddedRocklet rocklet)
    {
        final Producer reader = rocklet.newClient(READER).newProducer(ProducerConfig.builder("p").build());
        final Producer anonymous = rocklet.newClient((Credentials) null).newProducer(ProducerConfig.builder("p")
            .build());

        final RockletException denied = assertThrows(RockletException.class,
            () -> reader.send(Message.builder(topic.name()).body("x").build()));
        final RockletException unauthenticated = assertThrows(RockletException.class,
            () -> anonymous.send(Message.builder(topic.name()).body("x").build()));

        assertEquals(ErrorCode.PERMISSION_DENIED, denied.errorCode(), denied.getMessage());
        assertEquals(ErrorCode.UNAUTHENTICATED, unauthenticated.errorCode(), unauthenticated.getMessage());
    }
}
