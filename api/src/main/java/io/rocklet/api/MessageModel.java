package io.rocklet.api;

/**
 * How the members of a consumer group share messages.
 */
public enum MessageModel
{
    /** Each message goes to one member; the group's queues are split among members; offsets live on the broker. */
    CLUSTERING,
    /** Every member gets every message; each member keeps its offsets locally. */
    BROADCASTING
}
