package dev.cascade.cache.internal;

import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.network.CachedTensor;
import dev.cascade.api.network.TensorCache;
import dev.cascade.api.network.TensorReset;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's tensor cache: per pair the last valid tensor, validated on the way in, persisted with
 * crash-safe writes under {@code ${karaf.data}/cascade/cache} and restored on start. A file that cannot be
 * read is moved aside ({@code <pair>.tensor.corrupt-<millis>}) with a log line; the pair then starts
 * without a cached tensor.
 */
@Component(configurationPid = PersistentCache.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PersistentCache.Config.class)
public final class PersistentCache implements TensorCache {

    static final String PID = "dev.cascade.cache";

    private static final Logger LOG = LoggerFactory.getLogger(PersistentCache.class);

    @ObjectClassDefinition(
            name = "Cascade tensor cache",
            description = "Per pair the last valid tensor: validation limits, confidence decay, where it is kept.")
    @interface Config {
        @AttributeDefinition(
                name = "Confidence half-life",
                description = "Seconds after which a tensor that was not refreshed counts for half its confidence.")
        double halfLifeSeconds() default 3600;

        @AttributeDefinition(name = "Largest norm", description = "Largest Frobenius norm of an accepted tensor.")
        double maxNorm() default 1e4;

        @AttributeDefinition(
                name = "Largest condition number",
                description = "Largest 2-norm condition number of an accepted tensor.")
        double maxCondition() default 1e6;

        @AttributeDefinition(
                name = "Largest change",
                description = "Largest relative change of the tensor in one update (1 = 100 % of its norm).")
        double maxRelativeChange() default 1.0;

        @AttributeDefinition(
                name = "Change check from confidence",
                description = "The change limit guards a tensor only once its confidence is at least this (0..1);"
                        + " a pair still learning takes any valid estimate.")
        double changeCheckConfidence() default 0.5;

        @AttributeDefinition(
                name = "Oldest update",
                description = "Seconds: an update created longer ago than this is refused.")
        double maxAgeSeconds() default 86400;

        @AttributeDefinition(
                name = "Directory",
                description = "Where the tensors are kept; empty: ${karaf.data}/cascade/cache.")
        String directory() default "";
    }

    private final Path directory;
    private final TensorRules rules;
    private final long halfLifeMillis;
    private final LongSupplier clock;
    // guarded by this
    private final Map<String, TensorFile.Entry> entries = new TreeMap<>();
    private long rejected;
    /** Per pair, the version of the last reset applied: updates of that version or older are refused. */
    private final Map<String, Long> resets = new HashMap<>();

    private final List<Consumer<CachedTensor>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<TensorReset>> resetListeners = new CopyOnWriteArrayList<>();

    @Activate
    public PersistentCache(Config config) {
        this(config, System::currentTimeMillis);
    }

    /**
     * @throws IllegalArgumentException naming the field, its value and what is allowed; the component
     *     then stays inactive
     */
    PersistentCache(Config config, LongSupplier clock) {
        this.clock = clock;
        this.halfLifeMillis = Math.round(1000 * positive("halfLifeSeconds", config.halfLifeSeconds()));
        this.rules = new TensorRules(
                positive("maxNorm", config.maxNorm()),
                atLeastOne("maxCondition", config.maxCondition()),
                positive("maxRelativeChange", config.maxRelativeChange()),
                fraction("changeCheckConfidence", config.changeCheckConfidence()),
                Math.round(1000 * positive("maxAgeSeconds", config.maxAgeSeconds())));
        this.directory = directory(config.directory());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException(PID + ": cannot create the cache directory " + directory + ": " + e, e);
        }
        restore();
    }

    private static Path directory(String configured) {
        if (!configured.isBlank()) {
            return Paths.get(configured.strip());
        }
        String data = System.getProperty("karaf.data");
        if (data == null) {
            throw new IllegalArgumentException(PID + ": directory = '' and the system property karaf.data is not"
                    + " set; give a directory for the cache");
        }
        return Paths.get(data, "cascade", "cache");
    }

    /** Reads every persisted tensor; moves aside what cannot be read and removes half-written temp files. */
    private void restore() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TensorFile.TEMP_SUFFIX)) {
                    // a write interrupted by a crash: the previous file (if any) is still whole
                    LOG.info("Removing {}, left by an interrupted write", file);
                    Files.deleteIfExists(file);
                } else if (name.endsWith(TensorFile.SUFFIX)) {
                    restore(file, name.substring(0, name.length() - TensorFile.SUFFIX.length()));
                }
            }
        } catch (IOException e) {
            LOG.error("Could not list the tensor cache {}: {}; starting empty", directory, e.toString());
        }
        LOG.info("Tensor cache {}: restored {} pair(s)", directory, entries.size());
    }

    private void restore(Path file, String pair) {
        try {
            TensorFile.Entry entry = TensorFile.read(file);
            if (!entry.update().pair().equals(pair)) {
                throw new IOException("it holds pair '" + entry.update().pair() + "', not '" + pair + "'");
            }
            Optional<String> invalid = rules.check(entry.update(), null, entry.stored());
            if (invalid.isPresent()) {
                throw new IOException(invalid.get());
            }
            entries.put(pair, entry);
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + clock.getAsLong());
            LOG.warn("Tensor cache file {} is unreadable ({}); moved it to {}", file, e.getMessage(), aside);
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                LOG.error("Could not move {} aside: {}", file, moveFailed.toString());
            }
        }
    }

    @Override
    public synchronized Optional<String> validate(TensorUpdate update) {
        TensorFile.Entry current = entries.get(update.pair());
        Long reset = resets.get(update.pair());
        if (current == null && reset != null && update.version() <= reset) {
            return Optional.of("update v" + update.version() + " of pair " + update.pair() + " from " + update.source()
                    + ": its version is not newer than the reset to version " + reset);
        }
        long now = clock.getAsLong();
        return rules.check(update, current == null ? null : cached(current, now), now);
    }

    @Override
    public boolean store(TensorUpdate update) {
        CachedTensor accepted;
        synchronized (this) {
            Optional<String> invalid = validate(update);
            if (invalid.isPresent()) {
                rejected++;
                LOG.warn("Rejected {}; the previous tensor stays", invalid.get());
                return false;
            }
            long now = clock.getAsLong();
            TensorFile.Entry entry = new TensorFile.Entry(update, now);
            try {
                TensorFile.write(directory, entry);
            } catch (IOException e) {
                // still used: the loop is better off with it, it just will not survive a restart
                LOG.error("Could not persist the tensor of pair {}: {}", update.pair(), e.toString());
            }
            entries.put(update.pair(), entry);
            accepted = cached(entry, now);
        }
        for (Consumer<CachedTensor> listener : listeners) {
            try {
                listener.accept(accepted);
            } catch (RuntimeException e) {
                LOG.error("A tensor cache listener failed on pair {}", update.pair(), e);
            }
        }
        return true;
    }

    /**
     * Drops the pair's tensor, in memory and on disk, and remembers the reset's version (in memory: after
     * a restart the pair simply has no tensor). A reset not newer than the pair's tensor is ignored.
     */
    @Override
    public boolean reset(TensorReset reset) {
        synchronized (this) {
            TensorFile.Entry current = entries.get(reset.pair());
            Long earlier = resets.get(reset.pair());
            if ((current != null && current.update().version() >= reset.version())
                    || (earlier != null && earlier >= reset.version())) {
                LOG.warn(
                        "Ignored the reset of pair {} to version {}: the cache holds a newer state",
                        reset.pair(),
                        reset.version());
                return false;
            }
            if (current != null) {
                entries.remove(reset.pair());
                try {
                    // the id was checked when the tensor was stored: it is a safe file name
                    Files.deleteIfExists(TensorFile.path(directory, reset.pair()));
                } catch (IOException e) {
                    LOG.error("Could not delete the tensor file of pair {}: {}", reset.pair(), e.toString());
                }
            }
            resets.put(reset.pair(), reset.version());
            LOG.info(
                    "Reset pair {} (requested by {}): tensor v{} dropped, estimation starts over",
                    reset.pair(),
                    reset.source(),
                    current == null ? "-" : current.update().version());
        }
        for (Consumer<TensorReset> listener : resetListeners) {
            try {
                listener.accept(reset);
            } catch (RuntimeException e) {
                LOG.error("A tensor cache reset listener failed on pair {}", reset.pair(), e);
            }
        }
        return true;
    }

    @Override
    public AutoCloseable subscribeResets(Consumer<TensorReset> listener) {
        resetListeners.add(listener);
        return () -> resetListeners.remove(listener);
    }

    @Override
    public synchronized Optional<CachedTensor> retrieve(String pair) {
        TensorFile.Entry entry = entries.get(pair);
        return entry == null ? Optional.empty() : Optional.of(cached(entry, clock.getAsLong()));
    }

    @Override
    public synchronized List<CachedTensor> all() {
        long now = clock.getAsLong();
        List<CachedTensor> all = new ArrayList<>();
        for (TensorFile.Entry entry : entries.values()) {
            all.add(cached(entry, now));
        }
        return all;
    }

    @Override
    public synchronized long rejected() {
        return rejected;
    }

    @Override
    public AutoCloseable subscribe(Consumer<CachedTensor> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private CachedTensor cached(TensorFile.Entry entry, long now) {
        double confidence = CachedTensor.decay(entry.update().confidence(), now - entry.stored(), halfLifeMillis);
        return new CachedTensor(entry.update(), entry.stored(), confidence, now, halfLifeMillis);
    }

    private static double positive(String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw invalid(field, value, "a finite number > 0");
        }
        return value;
    }

    private static double atLeastOne(String field, double value) {
        if (!(value >= 1)) {
            throw invalid(field, value, "a number >= 1");
        }
        return value;
    }

    private static double fraction(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid(field, value, "a number from 0 to 1");
        }
        return value;
    }

    private static IllegalArgumentException invalid(String field, double value, String allowed) {
        IllegalArgumentException e =
                new IllegalArgumentException(PID + ": " + field + " = " + value + " is not valid; use " + allowed);
        LOG.error(e.getMessage());
        return e;
    }
}
