package io.hoist.policy.builtins;

import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * http.send's {@code tls_server_name} (Go's tls.Config.ServerName): the server's chain is checked by the usual
 * trust managers, and its certificate must name this server name instead of the URL's host. The JDK's own check
 * would accept the URL's host as well, so the name check is done here, as Go does it: subject alternative names
 * only (no common name), a wildcard standing for exactly the leftmost label, IP addresses against IP entries.
 */
final class ServerNameTrust extends X509ExtendedTrustManager {
    private static final int DNS_NAME = 2, IP_ADDRESS = 7;
    private final X509TrustManager chain;
    private final String serverName;

    ServerNameTrust(X509TrustManager chain, String serverName) {
        this.chain = chain;
        this.serverName = serverName;
    }

    @Override public void checkServerTrusted(X509Certificate[] c, String authType) throws CertificateException {
        chain.checkServerTrusted(c, authType); // the two-argument form checks the chain only, never a host name
        if (!names(c[0], serverName))
            throw new CertificateException("certificate is not valid for tls_server_name " + serverName);
    }

    @Override public void checkServerTrusted(X509Certificate[] c, String authType, Socket s) throws CertificateException {
        checkServerTrusted(c, authType);
    }

    @Override public void checkServerTrusted(X509Certificate[] c, String authType, SSLEngine e) throws CertificateException {
        checkServerTrusted(c, authType);
    }

    @Override public void checkClientTrusted(X509Certificate[] c, String authType) throws CertificateException {
        throw new CertificateException("http.send is a client: it checks no client certificates");
    }

    @Override public void checkClientTrusted(X509Certificate[] c, String authType, Socket s) throws CertificateException {
        checkClientTrusted(c, authType);
    }

    @Override public void checkClientTrusted(X509Certificate[] c, String authType, SSLEngine e) throws CertificateException {
        checkClientTrusted(c, authType);
    }

    @Override public X509Certificate[] getAcceptedIssuers() { return chain.getAcceptedIssuers(); }

    /** Whether the certificate's subject alternative names include name. */
    static boolean names(X509Certificate cert, String name) throws CertificateParsingException {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans == null) return false;
        InetAddress ip = ipLiteral(name);
        String host = name.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            if (ip != null && type == IP_ADDRESS && ip.equals(ipLiteral((String) san.get(1)))) return true;
            if (ip == null && type == DNS_NAME && dnsMatches(((String) san.get(1)).toLowerCase(Locale.ROOT), host)) return true;
        }
        return false;
    }

    static InetAddress ipLiteral(String s) {
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (pattern.endsWith(".")) pattern = pattern.substring(0, pattern.length() - 1);
        if (!pattern.startsWith("*.")) return pattern.equals(host);
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
}
