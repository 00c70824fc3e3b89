package io.hoist.plugin.hooks.ansible;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnsibleOutputTest {
    @Test
    void firstFailureThatWasNotIgnoredWithCommandStderr() {
        String out = """
                PLAY [Main] ********************************************************************

                TASK [Try something] ***********************************************************
                fatal: [localhost]: FAILED! => {"changed": false, "msg": "ignored one"}
                ...ignoring

                TASK [Run the check] ***********************************************************
                fatal: [vm1]: FAILED! => {"changed": true, "cmd": "false", "msg": "non-zero return code", "rc": 1, "stderr": "no such table"}

                PLAY RECAP *********************************************************************
                localhost                  : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1
                vm1                        : ok=0    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
                """;
        assertThat(AnsibleOutput.failure(out)).contains("task \"Run the check\" failed on vm1: non-zero return code (stderr: no such table)");
        assertThat(AnsibleOutput.recap(out)).isEqualTo("localhost ok=1 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1;"
                + " vm1 ok=0 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
    }

    @Test
    void unreachableHostAndParseErrors() {
        assertThat(AnsibleOutput.failure("""
                TASK [Gathering Facts] *********************************************************
                fatal: [10.0.0.5]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh: Connection refused", "unreachable": true}
                """)).contains("task \"Gathering Facts\" could not reach 10.0.0.5: Failed to connect to the host via ssh: Connection refused");
        assertThat(AnsibleOutput.failure("""
                ERROR! couldn't resolve module/action 'k8s_info'. This often indicates a misspelling, missing collection, or incorrect module path.

                The error appears to be in '/tmp/x/playbook.yml': line 7, column 5
                """)).hasValueSatisfying(m -> assertThat(m).startsWith("ansible-playbook: couldn't resolve module/action 'k8s_info'"));
        assertThat(AnsibleOutput.failure("all fine")).isEmpty();
    }
}
