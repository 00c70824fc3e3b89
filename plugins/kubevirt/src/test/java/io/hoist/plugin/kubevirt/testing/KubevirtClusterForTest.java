package io.hoist.plugin.kubevirt.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's Kubernetes mock server in CRUD mode over HTTPS (self-signed), with the KubeVirt, CDI,
 * export and Multus CRDs loaded (kinds, scope, status subresource), a CDIConfig pointing at an
 * {@link UploadProxyTestServer}, and CDI's UploadTokenRequest answered with tokens that server accepts.
 */
public final class KubevirtClusterForTest implements AutoCloseable {
    /** Held so the level sticks (JUL keeps loggers weakly); the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.parse(System.getProperty("mock.log", "WARNING")));
    }

    public final KubernetesMockServer server;
    public final NamespacedKubernetesClient client;
    public final UploadProxyTestServer uploadProxy;
    private final MockWebServer web;

    public KubevirtClusterForTest() throws IOException {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        web = new MockWebServer();
        server = new KubernetesMockServer(new Context(), web, responses, new KubernetesMixedDispatcher(responses), true);
        server.init();
        client = server.createClient();
        uploadProxy = new UploadProxyTestServer();
        loadCrd(KubeResources.VIRTUAL_MACHINE, "kubevirt.io_virtualmachine_v1.json");
        loadCrd(KubeResources.VIRTUAL_MACHINE_INSTANCE, "kubevirt.io_virtualmachineinstance_v1.json");
        loadCrd(KubeResources.DATA_VOLUME, "cdi.kubevirt.io_datavolume_v1beta1.json");
        loadCrd(KubeResources.CDI_CONFIG, "cdi.kubevirt.io_cdiconfig_v1beta1.json");
        loadCrd(KubeResources.VIRTUAL_MACHINE_EXPORT, "export.kubevirt.io_virtualmachineexport_v1beta1.json");
        loadCrd(KubeResources.NETWORK_ATTACHMENT_DEFINITION, "k8s.cni.cncf.io_networkattachmentdefinition_v1.json");

        GenericKubernetesResource cdiConfig = client.getKubernetesSerialization().convertValue(Map.of(
                "apiVersion", "cdi.kubevirt.io/v1beta1", "kind", "CDIConfig", "metadata", Map.of("name", "config"), "spec", Map.of()),
                GenericKubernetesResource.class);
        GenericKubernetesResource created = client.genericKubernetesResources(KubeResources.CDI_CONFIG).resource(cdiConfig).create();
        created.setAdditionalProperty("status", Map.of("uploadProxyURL", uploadProxy.baseUrl().toString()));
        client.genericKubernetesResources(KubeResources.CDI_CONFIG).resource(created).updateStatus();

        // UploadTokenRequest is an aggregated API (not a CRD): CDI answers with a token and stores nothing.
        server.expect().post().withPath("/apis/upload.cdi.kubevirt.io/v1beta1/namespaces/prod/uploadtokenrequests")
                .andReply(201, request -> tokenAnswer(request.getUtf8Body())).always();
        server.expect().post().withPath("/apis/upload.cdi.kubevirt.io/v1beta1/namespaces/legacy/uploadtokenrequests")
                .andReply(201, request -> tokenAnswer(request.getUtf8Body())).always();
    }

    /** Answers CDI's UploadTokenRequests in another namespace too (a plan's target namespace). */
    public void acceptUploadTokens(String namespace) {
        server.expect().post().withPath("/apis/upload.cdi.kubevirt.io/v1beta1/namespaces/" + namespace + "/uploadtokenrequests")
                .andReply(201, request -> tokenAnswer(request.getUtf8Body())).always();
    }

    @SuppressWarnings("unchecked")
    private Object tokenAnswer(String body) {
        Map<String, Object> req = client.getKubernetesSerialization().unmarshal(body, Map.class);
        Map<String, Object> meta = (Map<String, Object>) req.get("metadata");
        Map<String, Object> spec = (Map<String, Object>) req.get("spec");
        String token = uploadProxy.issueToken(String.valueOf(meta.get("namespace")), String.valueOf(spec.get("pvcName")));
        return Map.of("apiVersion", "upload.cdi.kubevirt.io/v1beta1", "kind", "UploadTokenRequest",
                "metadata", meta, "spec", spec, "status", Map.of("token", token));
    }

    private void loadCrd(ResourceDefinitionContext kind, String schemaFile) throws IOException {
        // The mock server does not validate against a CRD's schema, and posting the full schemas (up to 300 KB
        // each) for every test costs seconds, so the CRD carries an open schema; manifests are validated
        // against the full schema file with KubevirtSchemas instead.
        if (!Files.isRegularFile(KubevirtSchemas.dir().resolve(schemaFile))) {
            throw new IllegalStateException("schema " + schemaFile + " missing from " + KubevirtSchemas.dir());
        }
        JSONSchemaProps schema = new io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder()
                .withType("object").withXKubernetesPreserveUnknownFields(true).build();
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(kind.getPlural() + "." + kind.getGroup()).endMetadata()
                .withNewSpec().withGroup(kind.getGroup()).withScope(kind.isNamespaceScoped() ? "Namespaced" : "Cluster")
                .withNewNames().withKind(kind.getKind()).withPlural(kind.getPlural()).withSingular(kind.getKind().toLowerCase()).endNames()
                .addNewVersion().withName(kind.getVersion()).withServed(true).withStorage(true)
                .withNewSubresources().withNewStatus().endStatus().endSubresources()
                .withNewSchema().withOpenAPIV3Schema(schema).endSchema().endVersion()
                .endSpec().build();
        // createOr(update): on a loaded machine the client may time out and retry a POST the mock server already
        // took, which then answers 409 AlreadyExists.
        client.apiextensions().v1().customResourceDefinitions().resource(crd)
                .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }

    /** A Provider pointing at this cluster with a token and the server's own CA (TLS verified). */
    public ProviderConfig provider(Map<String, String> settings) throws IOException {
        String ca = Files.readString(Path.of(web.getSelfSignedCertificate().certificatePath()));
        return new ProviderConfig("uid-host", "hoist", "host", "openshift", server.url("/").replaceAll("/$", ""),
                settings, Map.of("token", "sa-token-secret", "cacert", ca));
    }

    /** Acts as CDI: the upload pod of this DataVolume is ready. */
    public void markUploadReady(String namespace, String dataVolume) {
        GenericKubernetesResource dv = client.genericKubernetesResources(KubeResources.DATA_VOLUME).inNamespace(namespace).withName(dataVolume).get();
        dv.setAdditionalProperty("status", Map.of("phase", "UploadReady"));
        client.genericKubernetesResources(KubeResources.DATA_VOLUME).inNamespace(namespace).resource(dv).updateStatus();
    }

    /** Creates a resource of {@code kind} in {@code namespace} from its manifest (apiVersion, kind, metadata, ...). */
    public void create(ResourceDefinitionContext kind, String namespace, Map<String, Object> manifest) {
        client.genericKubernetesResources(kind).inNamespace(namespace)
                .resource(client.getKubernetesSerialization().convertValue(manifest, GenericKubernetesResource.class)).create();
    }

    public List<GenericKubernetesResource> list(ResourceDefinitionContext kind, String namespace) {
        return client.genericKubernetesResources(kind).inNamespace(namespace).list().getItems();
    }

    @Override
    public void close() {
        client.close();
        try {
            server.destroy();
        } catch (RuntimeException e) {
            // fabric8's mock server gives up after a fixed wait when a watch socket is still closing on a loaded
            // machine ("Unable to close MockWebServer"); the test's assertions ran already, so only say it.
            System.err.println("KubevirtClusterForTest: " + e.getMessage());
        }
        uploadProxy.close();
    }
}
