package dev.cascade.tools.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * CPU time and allocated bytes of a set of threads, from the JVM's thread MXBean. Allocation comes through
 * the platform MBean server (the HotSpot extension), so the bundle needs no import of com.sun.management;
 * it is read once per sampling interval, off the loop.
 */
final class ThreadUse {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final ObjectName THREADING = threading();

    private ThreadUse() {}

    /** @return total CPU nanoseconds of the live threads among {@code ids} (-1 where not supported) */
    static long cpuNanos(long[] ids) {
        long sum = 0;
        for (long id : ids) {
            long t = THREADS.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    /** @return total bytes allocated by the live threads among {@code ids}, 0 where not supported */
    static long allocatedBytes(long[] ids) {
        if (ids.length == 0 || THREADING == null) {
            return 0;
        }
        try {
            long[] bytes = (long[]) SERVER.invoke(
                    THREADING, "getThreadAllocatedBytes", new Object[] {ids}, new String[] {long[].class.getName()});
            long sum = 0;
            for (long b : bytes) {
                if (b > 0) {
                    sum += b;
                }
            }
            return sum;
        } catch (Exception e) {
            return 0;
        }
    }

    private static ObjectName threading() {
        try {
            return new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME);
        } catch (Exception e) {
            return null;
        }
    }
}
