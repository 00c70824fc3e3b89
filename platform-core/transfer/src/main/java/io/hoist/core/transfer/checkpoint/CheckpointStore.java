package io.hoist.core.transfer.checkpoint;

import java.io.IOException;
import java.util.Optional;

/**
 * Where copies record durable progress, one entry per disk id. The migration engine supplies its own
 * (in its store); {@link FileCheckpointStore} keeps them in a directory; {@link #NONE} keeps nothing.
 */
public interface CheckpointStore {
    Optional<Checkpoint> load(String diskId) throws IOException;

    /** Saves durably: when this returns, a crash keeps this checkpoint. */
    void save(String diskId, Checkpoint checkpoint) throws IOException;

    void clear(String diskId) throws IOException;

    CheckpointStore NONE = new CheckpointStore() {
        @Override
        public Optional<Checkpoint> load(String diskId) {
            return Optional.empty();
        }

        @Override
        public void save(String diskId, Checkpoint checkpoint) {}

        @Override
        public void clear(String diskId) {}
    };
}
