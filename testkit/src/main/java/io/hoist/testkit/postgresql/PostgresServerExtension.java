package io.hoist.testkit.postgresql;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One throwaway {@link PostgresTestServer} for a test class: started before its first test, stopped after its last.
 * Use as {@code @RegisterExtension static final PostgresServerExtension POSTGRES = new PostgresServerExtension();}
 * and {@code POSTGRES.server()} in the tests.
 */
public final class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {
    private PostgresTestServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = PostgresTestServer.create();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server (only between the class's first and last test). */
    public PostgresTestServer server() {
        if (server == null) {
            throw new IllegalStateException("PostgreSQL is not running: register this extension as a static field");
        }
        return server;
    }
}
