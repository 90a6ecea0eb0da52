package io.rocklet.broker.replication;

/**
 * When a master acknowledges a send (RocketMQ's {@code ASYNC_MASTER} / {@code SYNC_MASTER}).
 */
public enum ReplicationMode
{
    /** After the master's own flush rule; slaves catch up behind it. */
    ASYNC,
    /** Only once enough in-sync replicas (the master counted) stored the message's bytes. */
    SYNC
}
