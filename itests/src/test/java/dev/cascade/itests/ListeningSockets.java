package dev.cascade.itests;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TCP sockets a process listens on, read from Linux's /proc (no traffic is sent): its socket inodes
 * from /proc/PID/fd, matched against the LISTEN entries of /proc/PID/net/tcp and tcp6.
 */
final class ListeningSockets {

    /** One listening socket: its local address as printed, its port, whether that address is loopback. */
    record Listener(String address, int port, boolean loopback) {
        @Override
        public String toString() {
            return address + ":" + port;
        }
    }

    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");
    private static final String LISTEN = "0A";

    private ListeningSockets() {}

    static boolean supported() {
        return Files.isReadable(Path.of("/proc/self/net/tcp"));
    }

    /** @param pid a process id, or "self" */
    static List<Listener> of(String pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid, "fd"))) {
            for (Path fd : fds) {
                try {
                    Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we listed them
                }
            }
        }
        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", pid, "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && LISTEN.equals(f[3]) && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    listeners.add(decode(local[0], Integer.parseInt(local[1], 16)));
                }
            }
        }
        return listeners;
    }

    private static Listener decode(String hex, int port) {
        if (hex.length() == 8) {
            // IPv4, little-endian
            int a = Integer.parseInt(hex.substring(6, 8), 16);
            String address = a + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
                    + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
            return new Listener(address, port, a == 127);
        }
        // IPv6: four little-endian 32-bit words
        String loopback6 = "00000000000000000000000001000000";
        String mappedPrefix = "0000000000000000FFFF0000";
        boolean loopback = hex.equalsIgnoreCase(loopback6);
        String address = "[" + hex + "]";
        if (hex.toUpperCase().startsWith(mappedPrefix)) {
            Listener v4 = decode(hex.substring(24), port);
            address = "[::ffff:" + v4.address() + "]";
            loopback = v4.loopback();
        }
        return new Listener(address, port, loopback);
    }
}
