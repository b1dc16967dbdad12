package dev.cascade.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code /usr/bin/chromium}) driven over the DevTools protocol: a fresh
 * profile, a free loopback debugging port, one page. HTTP Basic credentials go in as an extra header on every
 * request of the page (the console's pages and the fetches their script makes), because a URL with
 * {@code user:password@} makes the page's own {@code fetch} fail. {@link #close()} ends the browser and its
 * child processes by PID and deletes the profile.
 */
final class Chromium implements AutoCloseable {

    static final String BINARY = "/usr/bin/chromium";

    private static final Pattern WS_URL = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+)\"");
    private static final Pattern RESPONSE_ID = Pattern.compile("^\\{\\s*\"id\"\\s*:\\s*(\\d+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts the browser and connects to its one page; the browser's output goes to {@code log}. */
    static Chromium start(Path log, Duration deadline) throws Exception {
        int port = Ports.free();
        Path profile = Files.createTempDirectory("cascade-chromium-");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(
                        BINARY,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=" + port,
                        "--window-size=1400,1000",
                        "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            URI list = URI.create("http://127.0.0.1:" + port + "/json/list");
            String targets = Conditions.await(
                    "Chromium's DevTools endpoint lists a page (log: " + log + ")",
                    deadline,
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("chromium exited with " + process.exitValue());
                        }
                        return http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString())
                                .body();
                    },
                    body -> body.contains("\"type\": \"page\"")
                            && WS_URL.matcher(body).find());
            Matcher url = WS_URL.matcher(targets);
            url.find();
            Chromium[] self = new Chromium[1];
            CompletableFuture<Void> ready = new CompletableFuture<>();
            WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(url.group(1)), new WebSocket.Listener() {
                        private final StringBuilder message = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            message.append(data);
                            if (last) {
                                String text = message.toString();
                                message.setLength(0);
                                ready.join();
                                self[0].received(text);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    })
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            self[0] = new Chromium(process, profile, socket);
            ready.complete(null);
            return self[0];
        } catch (Exception | AssertionError e) {
            kill(process);
            deleteTree(profile);
            throw e;
        }
    }

    private void received(String message) {
        Matcher id = RESPONSE_ID.matcher(message);
        if (id.find()) {
            CompletableFuture<String> waiting = pending.remove(Integer.parseInt(id.group(1)));
            if (waiting != null) {
                waiting.complete(message);
            }
        }
        // events (no id) are not needed
    }

    /**
     * Sends one DevTools command and returns its response.
     *
     * @param params the parameters as a JSON object
     * @throws IllegalStateException when the browser answers with an error
     */
    String call(String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> response = new CompletableFuture<>();
        pending.put(id, response);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true)
                .get(10, TimeUnit.SECONDS);
        String answer = response.get(30, TimeUnit.SECONDS);
        if (answer.contains("\"error\":{") && !answer.contains("\"result\":")) {
            throw new IllegalStateException(method + " failed: " + answer);
        }
        return answer;
    }

    /** Sends HTTP Basic credentials with every request the page makes. */
    void authorize(String user, String password) throws Exception {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        call("Network.enable", "{}");
        call("Network.setExtraHTTPHeaders", "{\"headers\":{\"Authorization\":" + quote("Basic " + token) + "}}");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", "{\"url\":" + quote(url) + "}");
    }

    /** @return the value of a JavaScript expression that yields a string, evaluated in the page */
    String evaluate(String expression) throws Exception {
        String answer = call(
                "Runtime.evaluate",
                "{\"expression\":" + quote(expression) + ",\"returnByValue\":true,\"awaitPromise\":true}");
        if (answer.contains("\"exceptionDetails\"")) {
            throw new IllegalStateException("the page threw: " + answer);
        }
        return stringField(answer, "value");
    }

    /** Saves a PNG of the whole page (not just the window). */
    void screenshot(Path png) throws Exception {
        int height = (int) Double.parseDouble(
                evaluate("String(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))"));
        call(
                "Emulation.setDeviceMetricsOverride",
                "{\"width\":1400,\"height\":" + Math.min(Math.max(height, 600), 6000)
                        + ",\"deviceScaleFactor\":1,\"mobile\":false}");
        String answer = call("Page.captureScreenshot", "{\"format\":\"png\"}");
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode(stringField(answer, "data")));
        call("Emulation.clearDeviceMetricsOverride", "{}");
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        kill(process);
        deleteTree(profile);
    }

    /** Ends the browser's child processes (renderer, GPU, zygote) and then the browser, by PID. */
    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // reported by the caller's leak check, if any; nothing more to do here
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all =
                    new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a browser process that was still writing; the temp folder is left for the OS
        }
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** @return the first string value of {@code "field":"..."} in {@code json}, unescaped */
    static String stringField(String json, String field) {
        Matcher start =
                Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"").matcher(json);
        if (!start.find()) {
            throw new IllegalStateException("no string field " + field + " in " + abbreviate(json));
        }
        StringBuilder out = new StringBuilder();
        for (int i = start.end(); i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                char e = json.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            } else {
                out.append(c);
            }
        }
        throw new IllegalStateException("unterminated string field " + field + " in " + abbreviate(json));
    }

    private static String abbreviate(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
}
