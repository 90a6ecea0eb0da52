package io.rocklet.api.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class PatternsTest
{
    @Test
    void shouldMatchExactPrefixAndAnyWhenPatternsAreParsed()
    {
        assertTrue(ResourcePattern.parse("topic:orders").matches(Resource.topic("orders")));
        assertFalse(ResourcePattern.parse("topic:orders").matches(Resource.topic("orders-1")));
        assertTrue(ResourcePattern.parse("topic:orders-*").matches(Resource.topic("orders-1")));
        assertFalse(ResourcePattern.parse("topic:orders-*").matches(Resource.group("orders-1")));
        assertTrue(ResourcePattern.parse("topic:*").matches(Resource.topic("x")));
        assertTrue(ResourcePattern.parse("*").matches(Resource.group("x")));
        assertTrue(ResourcePattern.parse("cluster").matches(Resource.CLUSTER));
        assertEquals("topic:orders-*", ResourcePattern.parse("topic:orders-*").toString());
    }

    @Test
    void shouldRefuseMalformedPatternWhenParsed()
    {
        for (final String bad : List.of("", "topic:", "queue:x", "topic:a*b", "orders"))
        {
            final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> ResourcePattern.parse(bad), bad);
            assertTrue(e.getMessage().contains("pattern=" + bad), e.getMessage());
        }
    }

    @Test
    void shouldMatchAddressesInRangeWhenCidrIsGiven()
    {
        assertTrue(SourceRange.parse("10.0.0.0/8").contains("10.1.2.3"));
        assertFalse(SourceRange.parse("10.0.0.0/8").contains("11.1.2.3"));
        assertTrue(SourceRange.parse("192.168.1.0/23").contains("192.168.0.9"));
        assertFalse(SourceRange.parse("192.168.1.0/24").contains("192.168.0.9"));
        assertTrue(SourceRange.parse("127.0.0.1").contains(SourceRange.IN_JVM_ADDRESS));
        assertTrue(SourceRange.parse("::1/128").contains("::1"));
        assertFalse(SourceRange.parse("127.0.0.1").contains("::1"));
        assertFalse(SourceRange.parse("127.0.0.1").contains(null));
        assertThrows(InvalidArgumentException.class, () -> SourceRange.parse("10.0.0.0/33"));
        assertThrows(InvalidArgumentException.class, () -> SourceRange.parse("example.com"));
    }

    @Test
    void shouldApplyPolicyOnlyFromItsSourcesWhenRangesAreGiven()
    {
        final Policy policy = new Policy("app", Policy.Effect.ALLOW, Set.of(Action.PUB),
            List.of(ResourcePattern.parse("topic:*")), List.of(SourceRange.parse("10.0.0.0/8")));

        assertTrue(policy.matches(Action.PUB, Resource.topic("t"), "10.9.9.9"));
        assertFalse(policy.matches(Action.PUB, Resource.topic("t"), "127.0.0.1"));
        assertFalse(policy.matches(Action.SUB, Resource.topic("t"), "10.9.9.9"));
    }

    @Test
    void shouldRoundTripHeaderAndNeverShowSecretWhenSigned()
    {
        final Credentials credentials = new Credentials("app", "top-secret");
        final SignedCall call = new Signer(credentials, () -> 1234L).sign("send");

        final SignedCall parsed = SignedCall.parse(call.header(), "send");

        assertEquals(call, parsed);
        assertTrue(new Signatures.Keyed("top-secret").verifies(parsed));
        assertFalse(new Signatures.Keyed("other").verifies(parsed));
        assertFalse(credentials.toString().contains("top-secret"));
        assertFalse(User.withSecret("app", User.Kind.CLIENT, "top-secret").toString().contains("top-secret"));
        final RockletException e = assertThrows(RockletException.class, () -> SignedCall.parse("ak=x", "send"));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.errorCode());
    }
}
