package io.hoist.plugin.v2v;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.plugin.v2v.testing.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainXmlTest {
    @Test
    void disksOnScsiInOrderAndNicsByMac() {
        String xml = DomainXml.of(Requests.spec("web-1", "00:50:56:8A:14:01"), List.of(
                new DomainXml.Disk("/v/a & b.qcow2", "qcow2", false), new DomainXml.Disk("/dev/block1", "raw", true)));
        assertThat(xml).contains("<name>web-1</name>")
                .contains("<source file='/v/a &amp; b.qcow2'/>").contains("<target dev='sda' bus='scsi'/>")
                .contains("<disk type='block' device='disk'>").contains("<source dev='/dev/block1'/>").contains("<target dev='sdb' bus='scsi'/>")
                .contains("<mac address='00:50:56:8a:14:01'/>");
        assertThat(xml.indexOf("sda")).isLessThan(xml.indexOf("sdb"));
    }

    @Test
    void driveNamesGoOnAsLinuxNamesThem() {
        assertThat(DomainXml.driveLetters(0)).isEqualTo("a");
        assertThat(DomainXml.driveLetters(25)).isEqualTo("z");
        assertThat(DomainXml.driveLetters(26)).isEqualTo("aa");
        assertThat(DomainXml.driveLetters(27)).isEqualTo("ab");
        assertThat(DomainXml.driveLetters(701)).isEqualTo("zz");
        assertThat(DomainXml.driveLetters(702)).isEqualTo("aaa");
    }
}
