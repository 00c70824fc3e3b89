package io.hoist.core.engine.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Codec for an immutable message record within one JVM: messages are passed by reference.
 * The engine runs in one process; a clustered bus would need wire codecs, refused loudly here.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
    private final Class<T> type;

    public LocalCodec(Class<T> type) {
        this.type = type;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        throw new UnsupportedOperationException(type.getName() + " is a local-only event-bus message");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException(type.getName() + " is a local-only event-bus message");
    }

    @Override
    public T transform(T t) {
        return t; // records are immutable: no copy needed
    }

    @Override
    public String name() {
        return "local:" + type.getName();
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void registerAll(io.vertx.core.eventbus.EventBus bus) {
        for (Class<?> c : Messages.TYPES) {
            bus.registerDefaultCodec((Class) c, new LocalCodec(c));
        }
    }
}
