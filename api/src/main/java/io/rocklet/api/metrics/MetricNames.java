package io.rocklet.api.metrics;

/**
 * Every meter Rocklet registers, in one place: RocketMQ 5's metric names with the prefix {@code rocklet} instead of
 * {@code rocketmq}. Names are Micrometer's dotted form; a Prometheus registry prints them with underscores, the unit
 * and {@code _total} for counters (the Prometheus column). Only constants: no Micrometer type, so that the
 * catalogue is usable where Micrometer is absent.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Constant</th><th>Prometheus name</th><th>Kind</th><th>Tags</th><th>RocketMQ 5</th></tr>
 * <tr><td>{@link #MESSAGES_IN}</td><td>rocklet_messages_in_total</td><td>counter</td>
 *     <td>topic, invocation_type</td><td>rocketmq_messages_in_total</td></tr>
 * <tr><td>{@link #THROUGHPUT_IN}</td><td>rocklet_throughput_in_bytes_total</td><td>counter (body bytes)</td>
 *     <td>topic, invocation_type</td><td>rocketmq_throughput_in_total</td></tr>
 * <tr><td>{@link #MESSAGE_SIZE}</td><td>rocklet_message_size_bytes</td><td>histogram</td>
 *     <td>topic, invocation_type</td><td>rocketmq_message_size</td></tr>
 * <tr><td>{@link #MESSAGES_OUT}</td><td>rocklet_messages_out_total</td><td>counter</td>
 *     <td>topic, consumer_group</td><td>rocketmq_messages_out_total</td></tr>
 * <tr><td>{@link #THROUGHPUT_OUT}</td><td>rocklet_throughput_out_bytes_total</td><td>counter (body bytes)</td>
 *     <td>topic, consumer_group</td><td>rocketmq_throughput_out_total</td></tr>
 * <tr><td>{@link #CONSUMER_LAG}</td><td>rocklet_consumer_lag_messages</td><td>gauge</td>
 *     <td>topic, consumer_group</td><td>rocketmq_consumer_lag_messages</td></tr>
 * <tr><td>{@link #CONSUMER_READY}</td><td>rocklet_consumer_ready_messages</td><td>gauge</td>
 *     <td>topic, consumer_group</td><td>rocketmq_consumer_ready_messages</td></tr>
 * <tr><td>{@link #CONSUMER_INFLIGHT}</td><td>rocklet_consumer_inflight_messages</td><td>gauge</td>
 *     <td>topic, consumer_group</td><td>rocketmq_consumer_inflight_messages</td></tr>
 * <tr><td>{@link #SEND_TO_RETRY}</td><td>rocklet_send_to_retry_total</td><td>counter</td>
 *     <td>consumer_group</td><td>rocketmq_sendback_to_retry_total (retry)</td></tr>
 * <tr><td>{@link #SEND_TO_DLQ}</td><td>rocklet_send_to_dlq_total</td><td>counter</td>
 *     <td>consumer_group</td><td>rocketmq_send_to_dlq_messages_total</td></tr>
 * <tr><td>{@link #STORAGE_SIZE}</td><td>rocklet_storage_size_bytes</td><td>gauge</td><td></td>
 *     <td>rocketmq_storage_size</td></tr>
 * <tr><td>{@link #STORAGE_DISK_USED}</td><td>rocklet_storage_disk_used_ratio</td><td>gauge</td><td></td>
 *     <td>(disk ratio)</td></tr>
 * <tr><td>{@link #STORAGE_FLUSH_LAG}</td><td>rocklet_storage_flush_lag_bytes</td><td>gauge</td><td></td>
 *     <td>rocketmq_storage_flush_behind_bytes</td></tr>
 * <tr><td>{@link #STORAGE_DISPATCH_LAG}</td><td>rocklet_storage_dispatch_lag_bytes</td><td>gauge</td><td></td>
 *     <td>rocketmq_storage_dispatch_behind_bytes</td></tr>
 * <tr><td>{@link #CONSUMER_CLIENTS}</td><td>rocklet_consumer_connections</td><td>gauge</td><td></td>
 *     <td>rocketmq_consumer_connections</td></tr>
 * <tr><td>{@link #RPC_LATENCY}</td><td>rocklet_rpc_latency_seconds</td><td>timer</td>
 *     <td>method, response_code</td><td>rocketmq_rpc_latency</td></tr>
 * <tr><td>{@link #RPC_ERRORS}</td><td>rocklet_rpc_errors_total</td><td>counter</td>
 *     <td>method, response_code</td><td>(rpc latency with a non-OK code)</td></tr>
 * <tr><td>{@link #CONNECTIONS}</td><td>rocklet_connections</td><td>gauge</td><td></td>
 *     <td>rocketmq_*_connections</td></tr>
 * </table>
 * Broker meters also carry {@link #TAG_CLUSTER} and {@link #TAG_BROKER}; the gRPC server's carry {@link #TAG_ADDRESS}, and
 * its RPC meters {@link #TAG_SERVICE} ({@code rocklet.v1.Broker}, {@code rocklet.v1.Router}, ...).
 */
public final class MetricNames
{
    /** Messages stored by sends (a batch counts each message). */
    public static final String MESSAGES_IN = "rocklet.messages.in";
    /** Body bytes stored by sends. */
    public static final String THROUGHPUT_IN = "rocklet.throughput.in";
    /** Body size of each stored message. */
    public static final String MESSAGE_SIZE = "rocklet.message.size";
    /** Messages returned by pulls. */
    public static final String MESSAGES_OUT = "rocklet.messages.out";
    /** Body bytes returned by pulls. */
    public static final String THROUGHPUT_OUT = "rocklet.throughput.out";
    /** Messages stored but not yet committed by the group: the queues' max offsets minus the committed offsets. */
    public static final String CONSUMER_LAG = "rocklet.consumer.lag.messages";
    /** Messages stored and not yet pulled by the group. */
    public static final String CONSUMER_READY = "rocklet.consumer.ready.messages";
    /** Messages pulled by the group and not yet committed. */
    public static final String CONSUMER_INFLIGHT = "rocklet.consumer.inflight.messages";
    /** Messages a group sent back for another try (to its retry topic). */
    public static final String SEND_TO_RETRY = "rocklet.send.to.retry";
    /** Messages moved to a group's dead-letter topic (retries exhausted, or sent there directly). */
    public static final String SEND_TO_DLQ = "rocklet.send.to.dlq";
    /** Bytes of the commit log on disk (from the oldest kept segment to the write position). */
    public static final String STORAGE_SIZE = "rocklet.storage.size";
    /** Last measured disk usage of the store's volume, 0 to 1. */
    public static final String STORAGE_DISK_USED = "rocklet.storage.disk.used.ratio";
    /** Bytes written but not yet known to be on disk. */
    public static final String STORAGE_FLUSH_LAG = "rocklet.storage.flush.lag";
    /** Bytes written but not yet in consume queues and the key index. */
    public static final String STORAGE_DISPATCH_LAG = "rocklet.storage.dispatch.lag";
    /** Consumer clients the broker knows (live heartbeats). */
    public static final String CONSUMER_CLIENTS = "rocklet.consumer.connections";
    /** Server-side time of each gRPC call, from its start to its close. */
    public static final String RPC_LATENCY = "rocklet.rpc.latency";
    /** gRPC calls closed with a status other than OK. */
    public static final String RPC_ERRORS = "rocklet.rpc.errors";
    /** Connections a gRPC server holds open. */
    public static final String CONNECTIONS = "rocklet.connections";

    /** Tag: the topic. */
    public static final String TAG_TOPIC = "topic";
    /** Tag: the consumer group. */
    public static final String TAG_GROUP = "consumer_group";
    /** Tag: {@link #INVOCATION_NORMAL} or {@link #INVOCATION_DELAY}. */
    public static final String TAG_INVOCATION_TYPE = "invocation_type";
    /** Tag: the gRPC method's name, e.g. {@code Send}. */
    public static final String TAG_METHOD = "method";
    /** Tag: the gRPC status code the call closed with, e.g. {@code OK}, {@code NOT_FOUND}. */
    public static final String TAG_RESPONSE_CODE = "response_code";
    /** Tag: the gRPC service, e.g. {@code rocklet.v1.Broker}. */
    public static final String TAG_SERVICE = "service";
    /** Tag: a gRPC server's address, e.g. {@code grpc://127.0.0.1:10911}. */
    public static final String TAG_ADDRESS = "address";
    /** Tag: the broker's cluster. */
    public static final String TAG_CLUSTER = "cluster";
    /** Tag: the broker's name (replica set). */
    public static final String TAG_BROKER = "broker";
    /** A send delivered at once. */
    public static final String INVOCATION_NORMAL = "normal";
    /** A send with a delay level or delivery time. */
    public static final String INVOCATION_DELAY = "delay";

    private MetricNames()
    {
    }
}
