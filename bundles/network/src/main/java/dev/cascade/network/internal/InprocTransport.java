package dev.cascade.network.internal;

import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.Batch;
import dev.cascade.api.network.TensorReset;
import dev.cascade.api.network.Transport;
import dev.cascade.api.network.TransportState;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The embedded default transport, {@code inproc}: batches go to the optimizer in this container and
 * updates to every subscriber here, each through a bounded queue on a thread of its own. A send completes
 * once the optimizer has taken the batch; it fails at once when no optimizer is subscribed or the queue
 * is full, so the batcher spools instead of waiting.
 */
@Component(
        configurationPid = InprocTransport.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Transport.NAME + "=" + InprocTransport.NAME)
@Designate(ocd = InprocTransport.Config.class)
public final class InprocTransport implements Transport {

    static final String NAME = "inproc";
    static final String PID = "dev.cascade.network.inproc";

    @ObjectClassDefinition(name = "Cascade inproc transport", description = "The embedded default transport.")
    @interface Config {
        @AttributeDefinition(
                name = "Queue capacity",
                description = "Batches (and, separately, updates) waiting for delivery, 1 to 1000000; beyond it a"
                        + " send fails and the batch spools.")
        int queueCapacity() default 1024;
    }

    private final int capacity;
    private final ThreadPoolExecutor batches;
    private final ThreadPoolExecutor updates;
    private final List<Consumer<Batch>> batchReceivers = new CopyOnWriteArrayList<>();
    private final List<Consumer<TensorUpdate>> updateReceivers = new CopyOnWriteArrayList<>();
    private final List<Consumer<TensorReset>> resetRequestReceivers = new CopyOnWriteArrayList<>();
    private final List<Consumer<TensorReset>> resetReceivers = new CopyOnWriteArrayList<>();

    @Activate
    public InprocTransport(Config config) {
        capacity = config.queueCapacity();
        if (capacity < 1 || capacity > 1_000_000) {
            throw new IllegalArgumentException(
                    PID + ": queueCapacity = " + capacity + " is not valid; use a whole number from 1 to 1000000");
        }
        batches = executor("cascade-inproc-batches");
        updates = executor("cascade-inproc-updates");
    }

    private ThreadPoolExecutor executor(String name) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() {
        batches.shutdownNow();
        updates.shutdownNow();
    }

    @Override
    public CompletionStage<Void> send(Batch batch) {
        if (batchReceivers.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no optimizer is subscribed"));
        }
        return deliver(batches, batchReceivers, batch);
    }

    @Override
    public CompletionStage<Void> publish(TensorUpdate update) {
        return deliver(updates, updateReceivers, update);
    }

    /** Queued with the batches, so the optimizer sees it in order with the pair's measurements. */
    @Override
    public CompletionStage<Void> sendReset(TensorReset request) {
        if (resetRequestReceivers.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no optimizer is subscribed"));
        }
        return deliver(batches, resetRequestReceivers, request);
    }

    /** Queued with the updates, so every receiver sees it in order with the pair's updates. */
    @Override
    public CompletionStage<Void> publishReset(TensorReset reset) {
        return deliver(updates, resetReceivers, reset);
    }

    @Override
    public AutoCloseable subscribeResetRequests(Consumer<TensorReset> receiver) {
        resetRequestReceivers.add(receiver);
        return () -> resetRequestReceivers.remove(receiver);
    }

    @Override
    public AutoCloseable subscribeResets(Consumer<TensorReset> receiver) {
        resetReceivers.add(receiver);
        return () -> resetReceivers.remove(receiver);
    }

    private static <T> CompletionStage<Void> deliver(
            ThreadPoolExecutor executor, List<Consumer<T>> receivers, T value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    for (Consumer<T> receiver : receivers) {
                        receiver.accept(value);
                    }
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the inproc queue is full or closed"));
        }
        return done;
    }

    @Override
    public AutoCloseable subscribeBatches(Consumer<Batch> receiver) {
        batchReceivers.add(receiver);
        return () -> batchReceivers.remove(receiver);
    }

    @Override
    public AutoCloseable subscribeUpdates(Consumer<TensorUpdate> receiver) {
        updateReceivers.add(receiver);
        return () -> updateReceivers.remove(receiver);
    }

    /** Offline without an optimizer to fold batches; degraded while its queue is three quarters full. */
    @Override
    public TransportState state() {
        if (batchReceivers.isEmpty()) {
            return TransportState.OFFLINE;
        }
        return batches.getQueue().size() * 4 >= capacity * 3 ? TransportState.DEGRADED : TransportState.CONNECTED;
    }
}
