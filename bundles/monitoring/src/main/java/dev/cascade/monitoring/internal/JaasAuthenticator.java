package dev.cascade.monitoring.internal;

import java.security.Principal;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;

/**
 * Checks credentials against a JAAS realm as Karaf's Web Console does: a {@link LoginContext} on the realm
 * (Karaf's {@code karaf} realm by default, backed by {@code etc/users.properties}), then a {@link
 * RolePrincipal} with the required role among the subject's principals.
 */
final class JaasAuthenticator implements Authenticator {

    private final String realm;
    private final String role;

    JaasAuthenticator(String realm, String role) {
        this.realm = realm;
        this.role = role;
    }

    @Override
    public Result check(String user, String password) {
        Subject subject = new Subject();
        LoginContext login;
        // JAAS loads the realm's login module through the context class loader; Karaf's proxy module sits on
        // the system class path (lib/boot), which the servlet container's context loader may not reach
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(null);
        try {
            login = new LoginContext(realm, subject, callbacks -> {
                for (Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password.toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            });
            login.login();
        } catch (LoginException e) {
            return Result.DENIED;
        } finally {
            thread.setContextClassLoader(previous);
        }
        try {
            for (Principal p : subject.getPrincipals()) {
                if (p instanceof RolePrincipal && role.equals(p.getName())) {
                    return Result.GRANTED;
                }
            }
            return Result.FORBIDDEN;
        } finally {
            try {
                login.logout();
            } catch (LoginException e) {
                // nothing held: the subject is dropped here
            }
        }
    }
}
