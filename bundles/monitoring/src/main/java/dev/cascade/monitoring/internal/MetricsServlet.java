package dev.cascade.monitoring.internal;

import dev.cascade.api.monitoring.Monitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus endpoint {@code /cascade/metrics}, registered through the OSGi HTTP whiteboard. Protected
 * like the Web Console: HTTP Basic checked against a JAAS realm ({@code karaf}) with a required role
 * ({@code admin}), unless {@code metrics.open = true} in {@code etc/dev.cascade.monitoring.cfg}.
 */
@Component(
        service = Servlet.class,
        configurationPid = Config.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
            "osgi.http.whiteboard.servlet.pattern=" + MetricsServlet.PATH,
            "osgi.http.whiteboard.servlet.name=cascade-metrics"
        })
@Designate(ocd = Config.class)
public final class MetricsServlet extends HttpServlet {

    static final String PATH = "/cascade/metrics";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServlet.class);

    private final transient Monitor monitor;
    private final transient Authenticator authenticator;
    private final String realm;

    @Activate
    public MetricsServlet(Config config, @Reference Monitor monitor) {
        this(
                monitor,
                config.metrics_open() ? null : new JaasAuthenticator(config.metrics_realm(), config.metrics_role()),
                config.metrics_realm());
        if (config.metrics_open()) {
            LOG.warn("{} is open: served without credentials ({}: metrics.open = true)", PATH, Config.PID);
        }
    }

    /** @param authenticator null: open */
    MetricsServlet(Monitor monitor, Authenticator authenticator, String realm) {
        this.monitor = monitor;
        this.authenticator = authenticator;
        this.realm = realm;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (authenticator != null && !authorised(request, response)) {
            return;
        }
        byte[] body = MetricsText.of(monitor).getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(Exposition.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private boolean authorised(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            refuse(
                    response,
                    HttpServletResponse.SC_UNAUTHORIZED,
                    "credentials required (HTTP Basic, a user with the" + " required role in JAAS realm " + realm
                            + ")");
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "the Authorization header is not valid Base64");
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "the Authorization header holds no user:password");
            return false;
        }
        switch (authenticator.check(decoded.substring(0, colon), decoded.substring(colon + 1))) {
            case GRANTED:
                return true;
            case FORBIDDEN:
                refuse(response, HttpServletResponse.SC_FORBIDDEN, "this user lacks the role that reads the metrics");
                return false;
            default:
                refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "wrong user or password");
                return false;
        }
    }

    private void refuse(HttpServletResponse response, int status, String why) throws IOException {
        response.setStatus(status);
        if (status == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"Cascade metrics\", charset=\"UTF-8\"");
        }
        response.setContentType("text/plain; charset=utf-8");
        byte[] body = (status + " " + why + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
