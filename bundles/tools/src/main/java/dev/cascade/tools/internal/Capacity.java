package dev.cascade.tools.internal;

import dev.cascade.api.tools.ToolAllocation;
import java.util.Locale;

/**
 * What the node sets aside for tools, and the admission rule: a contract is admitted only if what is left
 * covers it, resource by resource.
 *
 * @param cpu cores for tools
 * @param heapMb heap for tools, MiB
 * @param threads threads for tools' executors
 */
record Capacity(double cpu, int heapMb, int threads) {

    /**
     * @param ask the contract asking to be admitted
     * @param used the sum of the contracts already holding an allocation
     * @return null if {@code ask} fits, else the reason: which resource, how much asked, how much left
     */
    String refusal(ToolAllocation ask, ToolAllocation used) {
        double cpuLeft = cpu - used.cpu();
        if (ask.cpu() > cpuLeft + 1e-9) {
            return String.format(
                    Locale.ROOT, "cpu: asks %.3f of a core, %.3f left of %.3f", ask.cpu(), Math.max(0, cpuLeft), cpu);
        }
        int heapLeft = heapMb - used.heapMb();
        if (ask.heapMb() > heapLeft) {
            return "heap: asks " + ask.heapMb() + " MiB, " + Math.max(0, heapLeft) + " MiB left of " + heapMb;
        }
        int threadsLeft = threads - used.threads();
        if (ask.threads() > threadsLeft) {
            return "threads: asks " + ask.threads() + ", " + Math.max(0, threadsLeft) + " left of " + threads;
        }
        return null;
    }

    static ToolAllocation plus(ToolAllocation a, ToolAllocation b) {
        return new ToolAllocation(a.cpu() + b.cpu(), a.heapMb() + b.heapMb(), a.threads() + b.threads(), 0, 0);
    }

    static final ToolAllocation NOTHING = new ToolAllocation(0, 0, 0, 0, 0);
}
