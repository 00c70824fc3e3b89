package io.hoist.plugin.vsphere.soap;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ws.XmlGen;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Array;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The plugin's own vim25 SOAP transport: one per provider, on an {@link HttpClient} built with that
 * provider's TLS context, so a CA or insecureSkipVerify never leaks into the JVM or another provider
 * (vijava's WSClient uses {@code URL.openConnection()} and, with ignoreCert, a JVM-wide trust-all).
 * Requests are written with vijava's {@link XmlGen} serializer; responses are read by the
 * {@link TolerantXmlReader}. The session cookie is kept here and never logged.
 */
public final class VimSoapClient {
    private static final String ENVELOPE_START = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
            + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
            + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>";
    private static final String ENVELOPE_END = "</soapenv:Body></soapenv:Envelope>";

    /** One SOAP argument: its wire name, vijava type name (e.g. {@code PropertyFilterSpec[]}) and value. */
    public record Arg(String name, String type, Object value) {}

    private final URI sdk;
    private final HttpClient http;
    private final Duration timeout;
    private final String soapAction;
    private volatile String cookie;

    public VimSoapClient(URI sdk, HttpClient http, Duration timeout, String apiVersion) {
        this.sdk = sdk;
        this.http = http;
        this.timeout = timeout;
        this.soapAction = "urn:vim25/" + apiVersion;
    }

    public URI sdkUrl() {
        return sdk;
    }

    /** The session cookie ({@code vmware_soap_session=...}) for the datastore file API, or null. */
    public String sessionCookie() {
        return cookie;
    }

    /** Invokes {@code method} on {@code self}; {@code returnType} may be an array type, or null for void. */
    public <T> T invoke(String method, ManagedObjectReference self, Class<T> returnType, Arg... args)
            throws VimFault, IOException {
        return invoke(method, self, returnType, timeout, args);
    }

    public <T> T invoke(String method, ManagedObjectReference self, Class<T> returnType, Duration callTimeout,
                        Arg... args) throws VimFault, IOException {
        StringBuilder body = new StringBuilder(ENVELOPE_START).append('<').append(method)
                .append(" xmlns=\"urn:vim25\">");
        body.append(XmlGen.toXML("_this", "ManagedObjectReference", self));
        for (Arg a : args) {
            if (a.value() != null) {
                body.append(XmlGen.toXML(a.name(), a.type(), a.value()));
            }
        }
        body.append("</").append(method).append('>').append(ENVELOPE_END);
        HttpRequest.Builder req = HttpRequest.newBuilder(sdk)
                .timeout(callTimeout)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", soapAction)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        String c = cookie;
        if (c != null) {
            req.header("Cookie", c);
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " interrupted", e);
        }
        Optional<String> setCookie = resp.headers().firstValue("Set-Cookie");
        setCookie.ifPresent(v -> cookie = v.split(";", 2)[0]);
        Element bodyEl = parseBody(resp.body(), method, resp.statusCode());
        Element first = firstElement(bodyEl);
        if (first == null) {
            throw new IOException(method + ": empty SOAP body (HTTP " + resp.statusCode() + ")");
        }
        if ("Fault".equals(first.getLocalName())) {
            throw fault(first);
        }
        if (returnType == null || returnType == Void.class) {
            return null;
        }
        TolerantXmlReader reader = new TolerantXmlReader();
        List<Object> values = new ArrayList<>();
        Class<?> component = returnType.isArray() ? returnType.getComponentType() : returnType;
        for (Node n = first.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element rv && "returnval".equals(rv.getLocalName())) {
                values.add(reader.read(rv, component));
            }
        }
        if (returnType.isArray()) {
            return returnType.cast(TolerantXmlReader.toArray(values, component));
        }
        if (values.isEmpty()) {
            return null;
        }
        Object v = values.get(0);
        return returnType.isPrimitive() ? (T) v : returnType.cast(v);
    }

    /** Forgets the session (after logout). */
    public void clearSession() {
        cookie = null;
    }

    private static Element parseBody(byte[] xml, String method, int status) throws IOException {
        Document doc;
        try {
            doc = newBuilder().parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            throw new IOException(method + ": HTTP " + status + " with a body that is not SOAP XML", e);
        }
        Element env = doc.getDocumentElement();
        for (Node n = env.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Body".equals(e.getLocalName())) {
                return e;
            }
        }
        throw new IOException(method + ": HTTP " + status + " without a SOAP body");
    }

    /** A namespace-aware parser that refuses DTDs and external entities. */
    static DocumentBuilder newBuilder() throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // errors throw; nothing printed to stderr
            return b;
        } catch (ParserConfigurationException e) {
            throw new IOException("XML parser unavailable", e);
        }
    }

    static Element firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    private static VimFault fault(Element faultEl) {
        String code = "";
        String message = "";
        String type = null;
        for (Node n = faultEl.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e)) {
                continue;
            }
            switch (e.getLocalName()) {
                case "faultcode" -> code = e.getTextContent().trim();
                case "faultstring" -> message = e.getTextContent().trim();
                case "detail" -> {
                    Element d = firstElement(e);
                    if (d != null) {
                        String xsiType = TolerantXmlReader.localName(d.getAttributeNS(TolerantXmlReader.XSI, "type"));
                        type = !xsiType.isEmpty() ? xsiType
                                : d.getLocalName().endsWith("Fault")
                                        ? d.getLocalName().substring(0, d.getLocalName().length() - "Fault".length())
                                        : d.getLocalName();
                    }
                }
                default -> { }
            }
        }
        return new VimFault(type != null ? type : TolerantXmlReader.localName(code), message);
    }

    /** Returns {@code a}'s elements as a list (vijava arrays may be null). */
    public static <E> List<E> list(E[] a) {
        return a == null ? List.of() : List.of(a).stream().filter(java.util.Objects::nonNull).toList();
    }

    static int length(Object array) {
        return array == null ? 0 : Array.getLength(array);
    }
}
