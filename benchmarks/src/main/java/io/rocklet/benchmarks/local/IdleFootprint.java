package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The footprint of an idle embedded instance, in a fresh JVM with {@code run.sh}'s heap settings: an
 * ephemeral instance with one producer and one push consumer that have exchanged 100 messages, then left
 * idle for {@code --settle-ms}. Prints VmRSS from /proc/self/status ({@code local.rss_mib}), the JVM's
 * live threads ({@code local.threads}: every Java thread ThreadMXBean counts, the JVM's own included; GC
 * and JIT compiler threads are not Java threads and are not counted), the threads started since
 * {@code main} began ({@code local.threads.rocklet}) and the process's CPU use while idle
 * ({@code local.idle_cpu_pct}, percent of one core). Every thread's name goes to the log (stderr).
 *
 * <pre>
 * IdleFootprint [--settle-ms N]   (default 3000)
 * </pre>
 */
public final class IdleFootprint
{
    private IdleFootprint()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        long settleMs = 3_000;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            if (!args[i].equals("--settle-ms"))
            {
                throw new IllegalArgumentException("unknown option: option=" + args[i] + ", known=--settle-ms");
            }
            settleMs = Long.parseLong(args[i + 1]);
        }
        final Results results = new Results(System.out);
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Set<Long> jvmThreads = new HashSet<>();
        Arrays.stream(threads.getAllThreadIds()).forEach(jvmThreads::add);
        final long baselineRssKb = LocalBench.procStatus("VmRSS").get("VmRSS");
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        final StartedRocklet started = StartedRocklet.start(EmbeddedRocklet::ephemeral);
        try
        {
            started.exchange(100);
            final long cpuStart = os.getProcessCpuTime();
            final long wallStart = System.nanoTime();
            Thread.sleep(settleMs);
            final long cpuNs = os.getProcessCpuTime() - cpuStart;
            final long wallNs = System.nanoTime() - wallStart;
            final Map<String, Long> status = LocalBench.procStatus("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM",
                "Threads");
            final List<ThreadInfo> live = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(info -> info != null)
                .sorted(Comparator.comparing(ThreadInfo::getThreadName))
                .toList();
            final List<ThreadInfo> newThreads = live.stream().filter(info -> !jvmThreads.contains(info.getThreadId()))
                .toList();

            results.report("local.rss_mib", status.get("VmRSS") / 1024.0, "MiB");
            results.report("local.threads", threads.getThreadCount(), "threads");
            results.report("local.threads.rocklet", newThreads.size(), "threads");
            results.report("local.idle_cpu_pct", 100.0 * cpuNs / wallNs, "%");
            results.note("local.rss_mib: after %d ms idle; RssAnon %d kB, RssFile %d kB, RssShmem %d kB, " +
                    "VmHWM %d kB; %d kB at the start of main (JVM alone); heap %s; %s", settleMs, status.get("RssAnon"),
                status.get("RssFile"), status.get("RssShmem"), status.get("VmHWM"), baselineRssKb,
                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(arg -> arg.startsWith("-Xm") || arg.startsWith("-XX:+Use"))
                    .collect(Collectors.joining(" ")),
                LocalBench.storeSettings(started.rocklet()));
            results.note("local.threads: %d Java threads (/proc says %d OS threads, GC and JIT included); " +
                "started since main began: %s", threads.getThreadCount(), status.get("Threads"),
                newThreads.stream().map(ThreadInfo::getThreadName).collect(Collectors.joining(", ")));
            System.err.println("live Java threads after " + settleMs + " ms idle (name, state, jvm = there before " +
                "the instance or new = started since, cpu ms):");
            for (final ThreadInfo info : live)
            {
                System.err.printf("  %-48s %-14s %s %8.1f%n", info.getThreadName(), info.getThreadState(),
                    jvmThreads.contains(info.getThreadId()) ? "jvm" : "new",
                    threads.getThreadCpuTime(info.getThreadId()) / 1e6);
            }
        }
        finally
        {
            started.close();
        }
        System.exit(0);
    }
}
