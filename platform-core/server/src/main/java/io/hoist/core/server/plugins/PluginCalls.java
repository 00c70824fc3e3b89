package io.hoist.core.server.plugins;

import io.hoist.api.HoistException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The one class-loader-safe wrapper for calls into plugin code. Each call runs with the thread context
 * class loader set to the plugin's (libraries inside plugins look resources up through it), and any
 * failure comes back as a {@link HoistException} that names the plugin: a plugin's own HoistException
 * keeps its type and code; anything else (including Errors such as NoClassDefFoundError) becomes INTERNAL.
 *
 * <p>Extensions are handed to the engine as proxies ({@link #guard}) so no call can bypass this; plugin
 * objects returned by guarded calls (a {@code SourceProvider}, a {@code DiskReader}) are guarded too.
 */
public final class PluginCalls {
    private static final String API_PACKAGE = "io.hoist.api.";

    private PluginCalls() {}

    /** Runs {@code call} as plugin {@code pluginId}, with its class loader as the context class loader. */
    public static <T> T call(String pluginId, ClassLoader pluginLoader, String operation, Callable<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(pluginLoader);
        try {
            return call.call();
        } catch (Throwable t) {
            throw translate(pluginId, operation, t);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static HoistException translate(String pluginId, String operation, Throwable t) {
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String prefix = "plugin '" + pluginId + "' failed in " + operation + ": ";
        if (t instanceof HoistException h) {
            return new HoistException(h.type(), h.code(), prefix + h.getMessage(), h);
        }
        String detail = t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        return new HoistException(HoistException.Type.INTERNAL, "PluginFailed", prefix + detail, t);
    }

    /**
     * Wraps a plugin object in a proxy that implements every plugin-API interface it implements (so
     * {@code instanceof Snapshots} still answers truthfully) and routes each method through {@link #call}.
     */
    @SuppressWarnings("unchecked")
    public static <T> T guard(String pluginId, ClassLoader pluginLoader, Class<T> type, T target) {
        if (target == null || Proxy.isProxyClass(target.getClass())
                && Proxy.getInvocationHandler(target) instanceof Guard) {
            return target;
        }
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        interfaces.add(type);
        collectApiInterfaces(target.getClass(), interfaces);
        return (T) Proxy.newProxyInstance(PluginCalls.class.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                new Guard(pluginId, pluginLoader, target));
    }

    private static void collectApiInterfaces(Class<?> cls, Set<Class<?>> out) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().startsWith(API_PACKAGE)) {
                    out.add(i);
                }
                collectApiInterfaces(i, out);
            }
        }
    }

    private record Guard(String pluginId, ClassLoader loader, Object target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "guarded " + pluginId + ":" + target.getClass().getName();
                };
            }
            String operation = method.getDeclaringClass().getSimpleName() + "." + method.getName();
            Object result;
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                // A cancelled call stays a cancellation when the method may throw it.
                if (cause instanceof InterruptedException && declares(method, InterruptedException.class)) {
                    throw cause;
                }
                throw translate(pluginId, operation, cause);
            } catch (IllegalAccessException e) {
                throw translate(pluginId, operation, e);
            } finally {
                thread.setContextClassLoader(previous);
            }
            Class<?> returned = method.getReturnType();
            // A sealed API interface (e.g. DiskLocation) is data: its permitted records carry no plugin code to guard.
            if (result != null && returned.isInterface() && !returned.isSealed() && returned.getName().startsWith(API_PACKAGE)) {
                return guard(pluginId, loader, (Class<Object>) returned, result);
            }
            return result;
        }

        private static boolean declares(Method method, Class<?> exception) {
            return Arrays.stream(method.getExceptionTypes()).anyMatch(t -> t.isAssignableFrom(exception));
        }
    }
}
