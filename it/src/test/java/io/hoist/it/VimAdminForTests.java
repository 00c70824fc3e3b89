package io.hoist.it;

import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A vSphere admin acting behind the platform's back (here: powering a VM off before the plan), with a few
 * hand-written vim25 SOAP calls over TLS verified against the simulator's CA. Not the plugin's client.
 */
final class VimAdminForTests implements AutoCloseable {
    private final HttpClient http;
    private final URI sdk;
    private String cookie;

    private VimAdminForTests(HttpClient http, URI sdk) {
        this.http = http;
        this.sdk = sdk;
    }

    static VimAdminForTests login(Vcsim sim) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(sim.caPem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        VimAdminForTests a = new VimAdminForTests(HttpClient.newBuilder().sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10)).build(), URI.create(sim.url));
        a.call("<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this><userName>"
                + Vcsim.USER + "</userName><password>" + Vcsim.PASSWORD + "</password></Login>");
        return a;
    }

    /** PowerOffVM_Task; the caller waits for the new state in the inventory. */
    void powerOff(String vmMoRef) throws Exception {
        call("<PowerOffVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">" + vmMoRef + "</_this></PowerOffVM_Task>");
    }

    private String call(String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(sdk).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "urn:vim25/6.0")
                .POST(HttpRequest.BodyPublishers.ofString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
                        + body + "</soapenv:Body></soapenv:Envelope>"));
        if (cookie != null) {
            req.header("Cookie", cookie);
        }
        HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("vim25 call failed: HTTP " + resp.statusCode() + " " + resp.body());
        }
        resp.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.split(";", 2)[0]);
        return resp.body();
    }

    @Override
    public void close() throws Exception {
        call("<Logout xmlns=\"urn:vim25\"><_this type=\"SessionManager\">SessionManager</_this></Logout>");
    }
}
