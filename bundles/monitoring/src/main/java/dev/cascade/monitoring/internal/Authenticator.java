package dev.cascade.monitoring.internal;

/** Checks a user's credentials and role. */
interface Authenticator {

    /** What a check found. */
    enum Result {
        /** The credentials are good and the user has the role. */
        GRANTED,
        /** The credentials are good, but the user lacks the role. */
        FORBIDDEN,
        /** The credentials are wrong, or the realm refused them. */
        DENIED
    }

    Result check(String user, String password);
}
