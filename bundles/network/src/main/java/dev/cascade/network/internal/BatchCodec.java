package dev.cascade.network.internal;

import dev.cascade.api.control.Measurement;
import dev.cascade.api.domain.Quality;
import dev.cascade.api.network.Batch;
import dev.cascade.api.tensor.Vector3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/** A batch as bytes, for the spool: a small binary record that ends in a CRC32 of the rest. */
final class BatchCodec {

    private static final int MAGIC = 0x43424131; // "CBA1"
    private static final Quality[] QUALITIES = Quality.values();

    private BatchCodec() {}

    static byte[] encode(Batch batch) {
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + 81 * batch.measurements().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeUTF(batch.pair());
            out.writeUTF(batch.producer());
            out.writeLong(batch.sequence());
            out.writeLong(batch.cut());
            out.writeInt(batch.measurements().size());
            for (Measurement m : batch.measurements()) {
                out.writeLong(m.timestamp());
                vector(out, m.parent());
                vector(out, m.error());
                vector(out, m.adjustment());
                out.writeByte(m.quality().ordinal());
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing to memory", e);
        }
        return bytes.toByteArray();
    }

    /** @throws IOException if the bytes are truncated, damaged or not a batch */
    static Batch decode(byte[] bytes) throws IOException {
        if (bytes.length < 12) {
            throw new IOException("truncated: " + bytes.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong()) {
            throw new IOException("checksum mismatch (truncated or damaged)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Cascade batch");
            }
            String pair = in.readUTF();
            String producer = in.readUTF();
            long sequence = in.readLong();
            long cut = in.readLong();
            int n = in.readInt();
            List<Measurement> measurements = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long t = in.readLong();
                Vector3 parent = vector(in);
                Vector3 error = vector(in);
                Vector3 adjustment = vector(in);
                measurements.add(new Measurement(pair, t, parent, error, adjustment, QUALITIES[in.readByte()]));
            }
            return new Batch(pair, producer, sequence, measurements, cut);
        } catch (RuntimeException e) {
            throw new IOException("damaged: " + e, e);
        }
    }

    private static void vector(DataOutputStream out, Vector3 v) throws IOException {
        out.writeDouble(v.x());
        out.writeDouble(v.y());
        out.writeDouble(v.z());
    }

    private static Vector3 vector(DataInputStream in) throws IOException {
        return new Vector3(in.readDouble(), in.readDouble(), in.readDouble());
    }
}
