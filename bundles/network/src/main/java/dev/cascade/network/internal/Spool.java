package dev.cascade.network.internal;

import dev.cascade.api.network.Batch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches waiting for the transport, on disk and in order: one file per batch, {@code <n>.batch} with
 * {@code n} increasing, written crash-safe (temp file, fsync, atomic rename). Bounded: when full, the
 * oldest batch is dropped and counted, because the newest measurements say most about the plant now.
 * Used by the batcher thread only.
 */
final class Spool {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final String SUFFIX = ".batch";

    private final Path directory;
    private final int maxBatches;
    private final ArrayDeque<Path> files = new ArrayDeque<>();
    private long next;
    private volatile int depth;
    private volatile long dropped;

    Spool(Path directory, int maxBatches) throws IOException {
        this.directory = directory;
        this.maxBatches = maxBatches;
        Files.createDirectories(directory);
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            for (Path p : listing) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
                    found.add(p);
                } else if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // an append interrupted by a crash: that batch never made it
                }
            }
        }
        Collections.sort(found); // zero-padded numbers: name order is append order
        files.addAll(found);
        if (!found.isEmpty()) {
            String last = found.get(found.size() - 1).getFileName().toString();
            next = Long.parseLong(last.substring(0, 20)) + 1;
            LOG.info("Spool {}: {} batch(es) from before the restart will be re-sent", directory, found.size());
        }
        while (files.size() > maxBatches) {
            dropOldest();
        }
        depth = files.size();
    }

    boolean isEmpty() {
        return files.isEmpty();
    }

    int depth() {
        return depth;
    }

    long dropped() {
        return dropped;
    }

    /** Appends a batch; drops the oldest first if the spool is full. */
    void append(Batch batch) throws IOException {
        while (files.size() >= maxBatches) {
            dropOldest();
        }
        Path target = directory.resolve(String.format("%020d", next++) + SUFFIX);
        Path temp = directory.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(BatchCodec.encode(batch));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        files.addLast(target);
        depth = files.size();
    }

    /**
     * @return the oldest batch, or null when empty; a file that cannot be read is dropped (counted, logged)
     *     and the next one is returned
     */
    Batch peek() {
        while (!files.isEmpty()) {
            Path head = files.peekFirst();
            try {
                return BatchCodec.decode(Files.readAllBytes(head));
            } catch (IOException e) {
                LOG.warn("Dropping unreadable spooled batch {}: {}", head, e.getMessage());
                dropOldest();
            }
        }
        return null;
    }

    /** Removes the oldest batch, once the transport has it. */
    void remove() throws IOException {
        Path head = files.pollFirst();
        if (head != null) {
            Files.deleteIfExists(head);
        }
        depth = files.size();
    }

    private void dropOldest() {
        Path oldest = files.pollFirst();
        dropped++;
        depth = files.size();
        try {
            Files.deleteIfExists(oldest);
        } catch (IOException e) {
            LOG.error("Could not delete the dropped spool file {}: {}", oldest, e.toString());
        }
    }
}
