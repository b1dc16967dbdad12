package dev.cascade.api.tools;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A resource contract as values: what a tool asked for, or what the node granted it.
 *
 * @param cpu share of one core
 * @param heapMb heap budget in MiB
 * @param threads threads of its own executor
 * @param maxCallRate calls per second (0 = the pair's rate)
 * @param maxCallMicros time per in-loop call, in microseconds
 */
@ProviderType
public record ToolAllocation(double cpu, int heapMb, int threads, double maxCallRate, long maxCallMicros) {}
