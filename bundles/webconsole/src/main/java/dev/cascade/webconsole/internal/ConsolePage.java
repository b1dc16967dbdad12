package dev.cascade.webconsole.internal;

import static dev.cascade.webconsole.internal.Html.escape;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * What every Cascade page shares. The Web Console wraps a plain servlet registered with {@code
 * felix.webconsole.label} in its frame (header, menu) for GET requests whose path ends in the label or in
 * {@code .html}; other GETs and every POST reach the servlet unwrapped, after the console's authentication.
 * So a page answers:
 *
 * <ul>
 *   <li>{@code GET /system/console/LABEL}: the page, inside the console frame;
 *   <li>{@code GET /system/console/LABEL/content.frag}: the part that refreshes, which the bundle's script
 *       fetches every two seconds and swaps in;
 *   <li>{@code GET /system/console/LABEL/static/cascade.js} (and {@code .css}): the script and styles,
 *       served from this bundle;
 *   <li>{@code POST /system/console/LABEL}: an action, answered with a plain-text message (400 with what
 *       was wrong for bad input).
 * </ul>
 *
 * <p>Cross-site request forgery: a POST must carry the {@value #ACTION_HEADER} header, which only the
 * bundle's own script sets (a page of another origin cannot add a custom header without a CORS preflight,
 * and nothing here answers one), and its {@code Origin}, when the browser sends one, must name this host.
 */
abstract class ConsolePage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String CATEGORY = "Cascade";
    static final String ACTION_HEADER = "X-Cascade-Console";
    static final String FRAGMENT = "content.frag";

    private static final Map<String, String> STATIC =
            Map.of("cascade.js", "text/javascript;charset=utf-8", "cascade.css", "text/css;charset=utf-8");

    private final String label;

    ConsolePage(String label) {
        this.label = label;
    }

    /** @return the part of the page that refreshes every two seconds */
    abstract String content(HttpServletRequest request);

    /** @return the part of the page above the content that a refresh must leave alone (forms being edited) */
    String controls(HttpServletRequest request, String pluginRoot) {
        return "";
    }

    /**
     * Carries out a POSTed action.
     *
     * @return what was done, for the operator
     * @throws Problem for input that names nothing or is malformed, with what was wrong
     */
    String act(HttpServletRequest request) {
        throw new Problem(405, "this page takes no actions");
    }

    /** Bad input or an absent service, with the message the operator sees and the status it maps to. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Problem(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    protected final void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String rest = rest(request);
        if (rest.startsWith("/static/")) {
            serveStatic(rest.substring("/static/".length()), response);
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        if (rest.equals("/" + FRAGMENT)) {
            response.setContentType("text/html;charset=utf-8");
            response.getWriter().write(content(request));
            return;
        }
        response.setContentType("text/html;charset=utf-8");
        String root = pluginRoot(request);
        String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
        StringBuilder page = new StringBuilder(16384);
        page.append("<link rel=\"stylesheet\" href=\"")
                .append(escape(root))
                .append("/static/cascade.css\">")
                .append("<div class=\"cascade\" id=\"cascade-page\" data-fragment=\"")
                .append(escape(root + "/" + FRAGMENT + query))
                .append("\" data-action=\"")
                .append(escape(root))
                .append("\" data-refreshed=\"0\">")
                .append("<p id=\"cascade-message\" class=\"cascade-message\" role=\"status\"></p>")
                .append(controls(request, root))
                .append("<div id=\"cascade-content\">")
                .append(content(request))
                .append("</div></div>")
                .append("<script src=\"")
                .append(escape(root))
                .append("/static/cascade.js\"></script>");
        response.getWriter().write(page.toString());
    }

    @Override
    protected final void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        Optional<String> forged = forgery(request);
        if (forged.isPresent()) {
            response.setStatus(403);
            response.getWriter().write(forged.get());
            return;
        }
        String message;
        try {
            message = act(request);
        } catch (Problem problem) {
            response.setStatus(problem.status);
            response.getWriter().write(problem.getMessage());
            return;
        } catch (IllegalArgumentException | IllegalStateException refused) {
            // the API's services refuse bad input with a message that names it
            response.setStatus(400);
            response.getWriter().write(String.valueOf(refused.getMessage()));
            return;
        }
        response.getWriter().write(message);
    }

    /** @return why this POST is refused as a possible cross-site request, or empty when it is not */
    static Optional<String> forgery(HttpServletRequest request) {
        if (!"1".equals(request.getHeader(ACTION_HEADER))) {
            return Optional.of("refused: the request lacks the " + ACTION_HEADER
                    + " header that the Cascade console's own script sends (protection against cross-site"
                    + " requests); use the page's buttons, or send the header from a script");
        }
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        if (origin != null && !origin.equals("null") && host != null) {
            String authority;
            try {
                authority = URI.create(origin).getRawAuthority();
            } catch (IllegalArgumentException e) {
                authority = null;
            }
            if (!host.equalsIgnoreCase(authority)) {
                return Optional.of("refused: Origin " + origin + " is not this console's host " + host);
            }
        }
        return Optional.empty();
    }

    /** @return the path after {@code /LABEL}, e.g. {@code ""} or {@code /content.frag} */
    final String rest(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null) {
            return "";
        }
        String prefix = "/" + label;
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    /** @return the URL path of this page, from the console's request attribute when it set one */
    final String pluginRoot(HttpServletRequest request) {
        Object root = request.getAttribute("felix.webconsole.pluginRoot");
        return root instanceof String text ? text : request.getContextPath() + request.getServletPath() + "/" + label;
    }

    /** @return the URL path of the console, from its request attribute when it set one */
    static String appRoot(HttpServletRequest request) {
        Object root = request.getAttribute("felix.webconsole.appRoot");
        return root instanceof String text ? text : request.getContextPath() + request.getServletPath();
    }

    private void serveStatic(String name, HttpServletResponse response) throws IOException {
        String type = STATIC.get(name);
        if (type == null) {
            response.sendError(404, "no such resource: " + name);
            return;
        }
        try (InputStream in = ConsolePage.class.getResourceAsStream("/static/" + name)) {
            if (in == null) {
                response.sendError(404, "no such resource: " + name);
                return;
            }
            byte[] bytes = in.readAllBytes();
            response.setContentType(type);
            response.setHeader("Cache-Control", "max-age=300");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }
    }
}
