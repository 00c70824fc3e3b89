package io.hoist.core.engine.bus;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Codec for an immutable message record. Within one JVM the record is passed by reference (no copy: it cannot
 * change); across a clustered bus it travels as length-prefixed JSON, so the same engine code runs clustered.
 */
public final class RecordCodec<T> implements MessageCodec<T, T> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Class<T> type;

    public RecordCodec(Class<T> type) {
        this.type = type;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        try {
            byte[] json = JSON.writeValueAsBytes(t);
            buffer.appendInt(json.length).appendBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + type.getSimpleName(), e);
        }
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        try {
            return JSON.readValue(buffer.getBytes(pos + 4, pos + 4 + length), type);
        } catch (IOException e) {
            throw new UncheckedIOException("decoding " + type.getSimpleName(), e);
        }
    }

    @Override
    public T transform(T t) {
        return t; // records are immutable: no copy needed
    }

    @Override
    public String name() {
        return "hoist:" + type.getName();
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }

    /** Registers a codec for every engine message as its type's default. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void registerAll(EventBus bus) {
        for (Class<?> c : Messages.TYPES) {
            try {
                bus.registerDefaultCodec((Class) c, new RecordCodec(c));
            } catch (IllegalStateException alreadyRegistered) {
                // a second engine on the same Vert.x (tests restart the engine): the codec is there already
            }
        }
    }
}
