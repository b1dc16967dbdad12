package dev.cascade.cache.internal;

import dev.cascade.api.estimation.EstimatorState;
import dev.cascade.api.estimation.TensorUpdate;
import dev.cascade.api.tensor.Matrix3;
import dev.cascade.api.tensor.Vector3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * One pair's cached tensor on disk: {@code <pair>.tensor}, a small binary record ending in a CRC32 of
 * everything before it, so a torn or damaged file is recognised rather than half-read.
 *
 * <p>Writes are crash-safe: the record goes to {@code <pair>.tensor.tmp}, is forced to the disk, and
 * replaces the old file by an atomic rename; the directory is forced too. After a crash at any point the
 * file is either the old record or the new one.
 */
final class TensorFile {

    static final String SUFFIX = ".tensor";
    static final String TEMP_SUFFIX = ".tensor.tmp";
    private static final int MAGIC = 0x43545331; // "CTS1"
    private static final int FORMAT = 1;

    /** A stored update with the time the cache accepted it. */
    record Entry(TensorUpdate update, long stored) {}

    private TensorFile() {}

    static Path path(Path directory, String pair) {
        return directory.resolve(pair + SUFFIX);
    }

    static void write(Path directory, Entry entry) throws IOException {
        byte[] bytes = encode(entry);
        Path target = path(directory, entry.update().pair());
        Path temp = directory.resolve(entry.update().pair() + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(directory);
    }

    /**
     * @throws IOException if the file cannot be read, or is truncated, damaged or of an unknown format
     */
    static Entry read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 16) {
            throw new IOException("truncated: " + bytes.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (crc.getValue() != stored) {
            throw new IOException("checksum mismatch (truncated or damaged)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Cascade tensor file");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("unknown format " + format + "; this version reads format " + FORMAT);
            }
            String pair = in.readUTF();
            long version = in.readLong();
            Matrix3 tensor = matrix(in);
            Matrix3 gain = matrix(in);
            double confidence = in.readDouble();
            Vector3 tau = new Vector3(in.readDouble(), in.readDouble(), in.readDouble());
            String estimator = in.readUTF();
            int stateFormat = in.readInt();
            byte[] state = new byte[in.readInt()];
            in.readFully(state);
            int producers = in.readInt();
            Map<String, Long> folded = new TreeMap<>();
            for (int i = 0; i < producers; i++) {
                folded.put(in.readUTF(), in.readLong());
            }
            String source = in.readUTF();
            long created = in.readLong();
            long storedAt = in.readLong();
            TensorUpdate update = new TensorUpdate(
                    pair,
                    version,
                    tensor,
                    gain,
                    confidence,
                    tau,
                    new EstimatorState(estimator, stateFormat, state),
                    folded,
                    source,
                    created);
            return new Entry(update, storedAt);
        } catch (RuntimeException e) {
            // a value the API refuses (negative array size, bad confidence...) is damage too
            throw new IOException("damaged: " + e.getMessage(), e);
        }
    }

    static byte[] encode(Entry entry) throws IOException {
        TensorUpdate u = entry.update();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + u.state().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(u.pair());
            out.writeLong(u.version());
            for (double v : u.tensor().toRowMajor()) {
                out.writeDouble(v);
            }
            for (double v : u.gain().toRowMajor()) {
                out.writeDouble(v);
            }
            out.writeDouble(u.confidence());
            out.writeDouble(u.timeConstants().x());
            out.writeDouble(u.timeConstants().y());
            out.writeDouble(u.timeConstants().z());
            out.writeUTF(u.state().estimator());
            out.writeInt(u.state().format());
            out.writeInt(u.state().size());
            out.write(u.state().data());
            out.writeInt(u.folded().size());
            for (Map.Entry<String, Long> f : new TreeMap<>(u.folded()).entrySet()) {
                out.writeUTF(f.getKey());
                out.writeLong(f.getValue());
            }
            out.writeUTF(u.source());
            out.writeLong(u.created());
            out.writeLong(entry.stored());
            out.flush();
            CRC32 crc = new CRC32();
            byte[] body = bytes.toByteArray();
            crc.update(body);
            out.writeLong(crc.getValue());
        }
        return bytes.toByteArray();
    }

    private static Matrix3 matrix(DataInputStream in) throws IOException {
        double[] m = new double[9];
        for (int i = 0; i < 9; i++) {
            m[i] = in.readDouble();
        }
        return Matrix3.ofRowMajor(m);
    }

    /** Makes the rename itself durable; not every file system lets a directory be opened, so best effort. */
    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the data is on disk already; only the rename's durability is then up to the file system
        }
    }
}
