package mta.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.function.Consumer;

/**
 * JvmMetrics - the Java virtual machine's memory, threads and garbage collections, read from the
 * JDK's management beans when scraped.
 *
 * <p>Reads {@link ManagementFactory}; writes {@code jvm_memory_*_bytes{area="heap|nonheap"}},
 * {@code jvm_threads_*} (platform threads; each SMTP session and delivery runs on a virtual thread,
 * counted by {@code postfix_smtpd_sessions}) and {@code jvm_gc_collection*} per collector.
 */
public final class JvmMetrics implements Consumer<TextFormat> {
    private static final List<String> AREA = List.of("area");
    private static final List<String> GC = List.of("gc");

    @Override
    public void accept(TextFormat out) {
        var memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        out.header("jvm_memory_used_bytes", "Memory used by the JVM, by area.", Family.Type.GAUGE);
        out.sample("jvm_memory_used_bytes", AREA, List.of("heap"), heap.getUsed());
        out.sample("jvm_memory_used_bytes", AREA, List.of("nonheap"), nonHeap.getUsed());
        out.header("jvm_memory_committed_bytes", "Memory committed by the JVM, by area.", Family.Type.GAUGE);
        out.sample("jvm_memory_committed_bytes", AREA, List.of("heap"), heap.getCommitted());
        out.sample("jvm_memory_committed_bytes", AREA, List.of("nonheap"), nonHeap.getCommitted());
        out.header("jvm_memory_max_bytes", "The most memory the JVM may use, by area (-1: no limit).", Family.Type.GAUGE);
        out.sample("jvm_memory_max_bytes", AREA, List.of("heap"), heap.getMax());
        out.sample("jvm_memory_max_bytes", AREA, List.of("nonheap"), nonHeap.getMax());

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.header("jvm_threads_current", "Platform threads alive now.", Family.Type.GAUGE);
        out.sample("jvm_threads_current", List.of(), List.of(), threads.getThreadCount());
        out.header("jvm_threads_daemon", "Daemon platform threads alive now.", Family.Type.GAUGE);
        out.sample("jvm_threads_daemon", List.of(), List.of(), threads.getDaemonThreadCount());
        out.header("jvm_threads_peak", "The most platform threads alive at once since start.", Family.Type.GAUGE);
        out.sample("jvm_threads_peak", List.of(), List.of(), threads.getPeakThreadCount());

        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        out.header("jvm_gc_collections_total", "Garbage collections, by collector.", Family.Type.COUNTER);
        for (GarbageCollectorMXBean gc : gcs) {
            out.sample("jvm_gc_collections_total", GC, List.of(gc.getName()), Math.max(0, gc.getCollectionCount()));
        }
        out.header("jvm_gc_collection_seconds_total", "Time spent in garbage collections, by collector.",
                Family.Type.COUNTER);
        for (GarbageCollectorMXBean gc : gcs) {
            out.sample("jvm_gc_collection_seconds_total", GC, List.of(gc.getName()),
                    Math.max(0, gc.getCollectionTime()) / 1000.0);
        }
    }
}
