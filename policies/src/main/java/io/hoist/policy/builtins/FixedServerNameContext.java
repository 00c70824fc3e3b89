package io.hoist.policy.builtins;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An SSLContext whose engines send one fixed SNI name, whatever host they connect to: http.send's
 * {@code tls_server_name} (Go's tls.Config.ServerName). The JDK's HttpClient puts the URL's host into the
 * engine's SSLParameters when that host is a name, replacing any server name the caller gave; the engines made
 * here put the fixed name back each time parameters are set. Everything else is the wrapped context's.
 */
final class FixedServerNameContext {
    private FixedServerNameContext() {}

    static SSLContext wrap(SSLContext context, String serverName) {
        return new SSLContext(new Spi(context, new SNIHostName(serverName)), context.getProvider(), context.getProtocol()) {};
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext context;
        private final SNIHostName name;

        Spi(SSLContext context, SNIHostName name) {
            this.context = context;
            this.name = name;
        }

        @Override protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("the wrapped context is already initialised");
        }

        @Override protected SSLSocketFactory engineGetSocketFactory() { return context.getSocketFactory(); }
        @Override protected SSLServerSocketFactory engineGetServerSocketFactory() { return context.getServerSocketFactory(); }
        @Override protected SSLEngine engineCreateSSLEngine() { return new NamedEngine(context.createSSLEngine(), name); }
        @Override protected SSLEngine engineCreateSSLEngine(String host, int port) { return new NamedEngine(context.createSSLEngine(host, port), name); }
        @Override protected SSLSessionContext engineGetServerSessionContext() { return context.getServerSessionContext(); }
        @Override protected SSLSessionContext engineGetClientSessionContext() { return context.getClientSessionContext(); }
        @Override protected SSLParameters engineGetDefaultSSLParameters() { return named(context.getDefaultSSLParameters(), name); }
        @Override protected SSLParameters engineGetSupportedSSLParameters() { return context.getSupportedSSLParameters(); }
    }

    private static SSLParameters named(SSLParameters p, SNIHostName name) {
        p.setServerNames(List.of(name));
        return p;
    }

    /** Delegates every call to the JDK's engine; only setSSLParameters changes what it passes on. */
    private static final class NamedEngine extends SSLEngine {
        private final SSLEngine engine;
        private final SNIHostName name;

        NamedEngine(SSLEngine engine, SNIHostName name) {
            super(engine.getPeerHost(), engine.getPeerPort());
            this.engine = engine;
            this.name = name;
            engine.setSSLParameters(named(engine.getSSLParameters(), name));
        }

        @Override public void setSSLParameters(SSLParameters params) { engine.setSSLParameters(named(params, name)); }
        @Override public SSLParameters getSSLParameters() { return engine.getSSLParameters(); }

        @Override public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            return engine.wrap(srcs, offset, length, dst);
        }
        @Override public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            return engine.unwrap(src, dsts, offset, length);
        }
        @Override public Runnable getDelegatedTask() { return engine.getDelegatedTask(); }
        @Override public void closeInbound() throws SSLException { engine.closeInbound(); }
        @Override public boolean isInboundDone() { return engine.isInboundDone(); }
        @Override public void closeOutbound() { engine.closeOutbound(); }
        @Override public boolean isOutboundDone() { return engine.isOutboundDone(); }
        @Override public String[] getSupportedCipherSuites() { return engine.getSupportedCipherSuites(); }
        @Override public String[] getEnabledCipherSuites() { return engine.getEnabledCipherSuites(); }
        @Override public void setEnabledCipherSuites(String[] suites) { engine.setEnabledCipherSuites(suites); }
        @Override public String[] getSupportedProtocols() { return engine.getSupportedProtocols(); }
        @Override public String[] getEnabledProtocols() { return engine.getEnabledProtocols(); }
        @Override public void setEnabledProtocols(String[] protocols) { engine.setEnabledProtocols(protocols); }
        @Override public SSLSession getSession() { return engine.getSession(); }
        @Override public SSLSession getHandshakeSession() { return engine.getHandshakeSession(); }
        @Override public void beginHandshake() throws SSLException { engine.beginHandshake(); }
        @Override public SSLEngineResult.HandshakeStatus getHandshakeStatus() { return engine.getHandshakeStatus(); }
        @Override public void setUseClientMode(boolean mode) { engine.setUseClientMode(mode); }
        @Override public boolean getUseClientMode() { return engine.getUseClientMode(); }
        @Override public void setNeedClientAuth(boolean need) { engine.setNeedClientAuth(need); }
        @Override public boolean getNeedClientAuth() { return engine.getNeedClientAuth(); }
        @Override public void setWantClientAuth(boolean want) { engine.setWantClientAuth(want); }
        @Override public boolean getWantClientAuth() { return engine.getWantClientAuth(); }
        @Override public void setEnableSessionCreation(boolean flag) { engine.setEnableSessionCreation(flag); }
        @Override public boolean getEnableSessionCreation() { return engine.getEnableSessionCreation(); }
        @Override public String getApplicationProtocol() { return engine.getApplicationProtocol(); }
        @Override public String getHandshakeApplicationProtocol() { return engine.getHandshakeApplicationProtocol(); }
        @Override public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
            engine.setHandshakeApplicationProtocolSelector(selector);
        }
        @Override public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return engine.getHandshakeApplicationProtocolSelector();
        }
    }
}
