package io.rocklet.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MessageTest
{
    private static final byte[] BODY = "hello".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldBuildMessageWithAllFieldsWhenInputIsValid()
    {
        final Message message = Message.builder("orders").tag("created").keys("k1", "k2").property("p", "v")
            .body("hello").build();

        assertEquals("orders", message.topic());
        assertEquals("created", message.tag());
        assertTrue(message.hasTag(), "a message with a tag");
        assertEquals(List.of("k1", "k2"), message.keys());
        assertEquals(Map.of("p", "v"), message.properties());
        assertArrayEquals(BODY, message.body());
    }

    @Test
    void shouldDefaultToNoTagKeysOrPropertiesWhenCreatedWithOf()
    {
        final Message message = Message.of("orders", BODY);

        assertEquals("", message.tag());
        assertFalse(message.hasTag(), "no tag");
        assertEquals(List.of(), message.keys());
        assertEquals(Map.of(), message.properties());
    }

    @Test
    void shouldTreatNullTagKeysAndPropertiesAsEmptyWhenConstructed()
    {
        final Message message = new Message("orders", null, null, null, BODY);

        assertEquals("", message.tag());
        assertEquals(List.of(), message.keys());
        assertEquals(Map.of(), message.properties());
    }

    @Test
    void shouldRejectNullTopicNamingTheTopicWhenBuilt()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.of(null, BODY));

        assertEquals(ErrorCode.ILLEGAL_TOPIC, e.errorCode());
        assertTrue(e.getMessage().contains("topic=null"), e.getMessage());
    }

    @Test
    void shouldRejectIllegalCharacterNamingItsIndexWhenTopicHasOne()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.of("order s", BODY));

        assertEquals(ErrorCode.ILLEGAL_TOPIC, e.errorCode());
        assertTrue(e.getMessage().contains("illegalChar=' '") && e.getMessage().contains("index 5"), e.getMessage());
    }

    @Test
    void shouldRejectTopicWhenItHas128Characters()
    {
        final String topic = "t".repeat(Limits.MAX_TOPIC_LENGTH + 1);

        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Message.of(topic, BODY));

        assertEquals(ErrorCode.ILLEGAL_TOPIC, e.errorCode());
        assertTrue(e.getMessage().contains("length=128") && e.getMessage().contains("maxLength=127"), e.getMessage());
    }

    @Test
    void shouldAcceptTopicWhenItHas127Characters()
    {
        final String topic = "t".repeat(Limits.MAX_TOPIC_LENGTH);

        assertEquals(topic, Message.of(topic, BODY).topic());
    }

    @Test
    void shouldRejectTagWhenItContainsDoubleBar()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").tag("a||b").body(BODY).build());

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains("tag=a||b") && e.getMessage().contains("topic=orders"), e.getMessage());
    }

    @Test
    void shouldRejectTagWhenLongerThanLimit()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").tag("x".repeat(Limits.MAX_TAG_LENGTH + 1)).body(BODY).build());

        assertEquals(ErrorCode.PROPERTIES_TOO_LARGE, e.errorCode());
        assertTrue(e.getMessage().contains("tag too long"), e.getMessage());
    }

    @Test
    void shouldRejectKeyWhenEmpty()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").key("").body(BODY).build());

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains("illegal key") && e.getMessage().contains("keyLength=0"), e.getMessage());
    }

    @Test
    void shouldRejectKeyWhenLongerThanLimit()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").key("k".repeat(Limits.MAX_KEY_LENGTH + 1)).body(BODY).build());

        assertTrue(e.getMessage().contains("illegal key"), e.getMessage());
    }

    @Test
    void shouldRejectNullKeyNamingTheKeyWhenBuilderGetsOne()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").key(null));

        assertTrue(e.getMessage().contains("key=null"), e.getMessage());
    }

    @Test
    void shouldRejectNullKeyWithInvalidArgumentWhenConstructorGetsOne()
    {
        final List<String> keys = new ArrayList<>();
        keys.add(null);

        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> new Message("orders", "", keys, Map.of(), BODY));

        assertTrue(e.getMessage().contains("key"), e.getMessage());
    }

    @Test
    void shouldRejectNullPropertyValueWithInvalidArgumentWhenConstructorGetsOne()
    {
        final Map<String, String> properties = new HashMap<>();
        properties.put("p", null);

        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> new Message("orders", "", List.of(), properties, BODY));

        assertTrue(e.getMessage().contains("property"), e.getMessage());
    }

    @Test
    void shouldRejectPropertyWhenNameIsEmpty()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").property("", "v").body(BODY).build());

        assertTrue(e.getMessage().contains("illegal property") && e.getMessage().contains("name is empty"),
            e.getMessage());
    }

    @Test
    void shouldRejectPropertyWhenBuilderGetsNullNameOrValue()
    {
        assertThrows(InvalidArgumentException.class, () -> Message.builder("orders").property(null, "v"));
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").property("p", null));

        assertTrue(e.getMessage().contains("name=p") && e.getMessage().contains("value=null"), e.getMessage());
    }

    @Test
    void shouldRejectNullBodyNamingTheBodyWhenBuilt()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").build());

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        assertTrue(e.getMessage().contains("body=null") && e.getMessage().contains("topic=orders"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Message.builder("orders").body((String)null).build());
    }

    @Test
    void shouldAcceptEmptyBodyWhenBuilt()
    {
        assertEquals(0, Message.of("orders", new byte[0]).body().length);
    }

    @Test
    void shouldNotChangeKeysOrPropertiesWhenCallerModifiesItsCollectionsAfterwards()
    {
        final List<String> keys = new ArrayList<>(List.of("k1"));
        final Map<String, String> properties = new HashMap<>(Map.of("p", "v"));
        final Message message = new Message("orders", "", keys, properties, BODY);

        keys.add("k2");
        properties.put("q", "w");

        assertEquals(List.of("k1"), message.keys());
        assertEquals(Map.of("p", "v"), message.properties());
    }

    @Test
    void shouldRefuseModificationWhenKeysOrPropertiesAreChangedThroughTheMessage()
    {
        final Message message = Message.builder("orders").key("k1").property("p", "v").body(BODY).build();

        assertThrows(UnsupportedOperationException.class, () -> message.keys().add("k2"));
        assertThrows(UnsupportedOperationException.class, () -> message.properties().put("q", "w"));
    }

    @Test
    void shouldNotShareStateWhenBuilderIsReusedAfterBuild()
    {
        final Message.Builder builder = Message.builder("orders").key("k1").body(BODY);
        final Message first = builder.build();

        builder.key("k2");

        assertEquals(List.of("k1"), first.keys());
        assertEquals(List.of("k1", "k2"), builder.build().keys());
    }

    @Test
    void shouldCompareBodiesByContentWhenTestingEquality()
    {
        final Message a = Message.builder("orders").tag("t").key("k").body("x").build();
        final Message b = Message.builder("orders").tag("t").key("k").body("x").build();
        final Message c = Message.builder("orders").tag("t").key("k").body("y").build();

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, c);
        assertTrue(a.toString().contains("bodyBytes=1"), a.toString());
        assertFalse(Arrays.equals(a.body(), c.body()), "different bodies");
    }

    @Test
    void shouldCarryOneDelayWhenBuiltWithLevelOrTime()
    {
        assertEquals(Delay.NONE, Message.of("orders", BODY).delay());
        assertEquals(Delay.level(3), Message.builder("orders").delayLevel(3).body("x").build().delay());
        assertEquals(new Delay(0, 1_000L, 0), Message.builder("orders").deliverAt(1_000L).body("x").build().delay());
        assertEquals(new Delay(0, 0, 5_000L),
            Message.builder("orders").deliverAfter(java.time.Duration.ofSeconds(5)).body("x").build().delay());
        assertNotEquals(Message.of("orders", BODY), Message.builder("orders").delayLevel(1).body(BODY).build());
    }

    @Test
    void shouldRefuseLevelAndTimeTogetherNamingTheTopicWhenBuilt()
    {
        final InvalidArgumentException both = assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").delayLevel(2).deliverAt(1_000L));
        assertTrue(both.getMessage().contains("topic=orders"), both.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Message.builder("orders").delayLevel(0));
        assertThrows(InvalidArgumentException.class,
            () -> Message.builder("orders").deliverAfter(java.time.Duration.ofMillis(-1)));
        assertThrows(InvalidArgumentException.class, () -> new Delay(1, 5, 0));
    }
}
