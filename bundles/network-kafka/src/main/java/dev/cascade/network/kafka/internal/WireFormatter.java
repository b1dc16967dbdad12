package dev.cascade.network.kafka.internal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MessageFormatter;

/**
 * The decoder for Kafka's console consumer ({@code --formatter}): prints each record as {@code key value},
 * a binary batch (version 2) as the equivalent version-1 JSON, a JSON record as it is, and a record that
 * cannot be read as {@code MALFORMED <kind>: <reason>}. {@code scripts/kafka-broker decode} runs it; see
 * {@code docs/wire-format.md}. Not used inside the framework.
 */
public final class WireFormatter implements MessageFormatter {

    @Override
    public void writeTo(ConsumerRecord<byte[], byte[]> record, PrintStream output) {
        byte[] key = record.key();
        output.print(key == null ? "null" : new String(key, StandardCharsets.UTF_8));
        output.print(' ');
        output.println(text(key, record.value()));
    }

    static String text(byte[] key, byte[] value) {
        if (value == null) {
            return "null";
        }
        if (WireFormat.isBinaryBatch(value)) {
            try {
                return new String(WireFormat.encodeJson(WireFormat.decodeBatch(key, value)), StandardCharsets.UTF_8);
            } catch (WireFormat.Malformed m) {
                return "MALFORMED " + m.kind + ": " + m.getMessage();
            }
        }
        try {
            if (new String(value, StandardCharsets.UTF_8).contains("\"" + WireFormat.UPDATE + "\"")) {
                WireFormat.decodeUpdate(key, value);
            } else {
                WireFormat.decodeBatch(key, value);
            }
        } catch (WireFormat.Malformed m) {
            return "MALFORMED " + m.kind + ": " + m.getMessage();
        }
        return new String(value, StandardCharsets.UTF_8);
    }
}
