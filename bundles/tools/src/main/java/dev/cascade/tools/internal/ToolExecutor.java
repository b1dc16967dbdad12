package dev.cascade.tools.internal;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tool's own bounded executor: as many threads as its contract grants, a bounded queue (a task past it
 * is refused and counted, never run on the caller's thread), threads named after the tool so they can be
 * accounted to it, and a throttle that stretches the pause before each task while the tool is over its CPU
 * share.
 */
final class ToolExecutor extends ThreadPoolExecutor {

    static final int QUEUE = 1000;

    private final Set<Long> threadIds = ConcurrentHashMap.newKeySet();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong tasks = new AtomicLong();
    private volatile long throttleNanos;

    ToolExecutor(String tool, int threads) {
        super(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), new Factory(tool));
        ((Factory) getThreadFactory()).ids = threadIds;
        setRejectedExecutionHandler((task, executor) -> refused.incrementAndGet());
    }

    /** The ids of the threads this executor has started and that are still alive. */
    long[] threadIds() {
        return threadIds.stream().mapToLong(Long::longValue).toArray();
    }

    int liveThreads() {
        return threadIds.size();
    }

    /** While throttled, each task starts after this pause. */
    void throttle(long pauseNanos) {
        this.throttleNanos = Math.max(0, pauseNanos);
    }

    @Override
    protected void beforeExecute(Thread thread, Runnable task) {
        tasks.incrementAndGet();
        long pause = throttleNanos;
        if (pause > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(pause);
            } catch (InterruptedException e) {
                thread.interrupt(); // quarantine or stop: let the task see it
            }
        }
    }

    private static final class Factory implements ThreadFactory {
        private final String tool;
        private final AtomicInteger count = new AtomicInteger();
        Set<Long> ids;

        Factory(String tool) {
            this.tool = tool;
        }

        @Override
        public Thread newThread(Runnable work) {
            Set<Long> registry = ids;
            Thread[] self = new Thread[1];
            self[0] = new Thread(
                    () -> {
                        registry.add(self[0].getId());
                        try {
                            work.run();
                        } finally {
                            registry.remove(self[0].getId());
                        }
                    },
                    "cascade-tool-" + tool + "-" + count.incrementAndGet());
            self[0].setDaemon(true);
            return self[0];
        }
    }
}
