package io.hoist.plugin.hooks.local;

import io.hoist.api.HoistException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Who a local hook runs as. When Hoist runs as root the playbook runs as an unprivileged user (setting
 * {@value #SETTING}, default {@code nobody}) through util-linux's {@code setpriv}, with no supplementary groups
 * and no way back to privileges; otherwise as Hoist's own user.
 */
public record HookUser(String name, int uid, int gid, boolean switched) {
    public static final String SETTING = "hooks_local_user";

    public static HookUser resolve(String configured) {
        if (!isRoot()) {
            return new HookUser(System.getProperty("user.name"), -1, -1, false);
        }
        String name = configured == null || configured.isBlank() ? "nobody" : configured.strip();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length >= 4 && f[0].equals(name)) {
                    int uid = Integer.parseInt(f[2]);
                    if (uid == 0) {
                        throw new HoistException(HoistException.Type.USER_ERROR, "HookUserNotValid",
                                SETTING + ": '" + name + "' is root; hooks never run as root");
                    }
                    return new HookUser(name, uid, Integer.parseInt(f[3]), true);
                }
            }
        } catch (IOException e) {
            throw new HoistException(HoistException.Type.INTERNAL, "HookUserNotValid", "cannot read /etc/passwd: " + e.getMessage());
        }
        throw new HoistException(HoistException.Type.USER_ERROR, "HookUserNotValid",
                SETTING + ": user '" + name + "' does not exist on the Hoist host");
    }

    /** The command prefix that drops to this user, empty when no switch is needed. */
    public List<String> prefix() {
        if (!switched) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--no-new-privs", "--");
    }

    /** Makes the hook user own a file or folder it must write (a no-op without a switch). */
    public void own(Path p) throws IOException {
        if (switched) {
            Files.setAttribute(p, "unix:uid", uid);
            Files.setAttribute(p, "unix:gid", gid);
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
