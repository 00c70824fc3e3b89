package io.hoist.core.transfer.copy;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.transfer.budget.BandwidthBudget;
import io.hoist.core.transfer.checkpoint.CheckpointStore;
import io.hoist.core.transfer.checksum.BlockDigests;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One disk copy for {@link DiskCopier}.
 *
 * @param diskId       stable id of this disk copy (checkpoint key and progress label), e.g. {@code plan/vm/disk-0}
 * @param source       what to read
 * @param target       where to write; must be at least as large as the source
 * @param allocation   optional allocation map replacing {@code source.extents()}: areas not covered by a data
 *                     extent are zeros and are never read
 * @param changedAreas optional: only blocks touching these areas are copied (a warm delta); needs {@code baseline}
 * @param baseline     target digests of the previous pass, kept for unchanged blocks so the checksum covers the disk;
 *                     may be null only when {@code options.checksum()} is {@code none}
 * @param checkpoints  where durable progress goes
 * @param budgets      bandwidth budgets this copy draws from (all of them, e.g. plan and source host)
 * @param progress     receives progress events (from the copy's own thread, every {@code options.progressEvery})
 * @param options      tuning
 * @param restarted    told, before the first byte is sent, when this copy goes to a streaming target (an upload) that
 *                     an earlier attempt recorded in {@code checkpoints} had begun and not finished: the stream cannot
 *                     resume, so it starts again from byte 0; receives the sentence saying so
 */
public record CopyRequest(String diskId, DiskReader source, DiskWriter target, List<Extent> allocation,
                          List<Extent> changedAreas, BlockDigests baseline, CheckpointStore checkpoints,
                          List<BandwidthBudget> budgets, Consumer<TransferProgress> progress, CopyOptions options,
                          Consumer<String> restarted) {
    public CopyRequest {
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        checkpoints = checkpoints == null ? CheckpointStore.NONE : checkpoints;
        budgets = budgets == null ? List.of() : List.copyOf(budgets);
        progress = progress == null ? p -> { } : progress;
        restarted = restarted == null ? m -> { } : restarted;
        options = options == null ? CopyOptions.DEFAULT : options;
        allocation = allocation == null ? null : List.copyOf(allocation);
        changedAreas = changedAreas == null ? null : List.copyOf(changedAreas);
        if (changedAreas != null && baseline == null && options.checksum().verifies()) {
            throw CopyFailedException.invalid("disk " + diskId + ": changedAreas needs the previous pass's digests "
                    + "(baseline) so the checksum still covers the whole disk");
        }
    }

    public static Builder builder(String diskId, DiskReader source, DiskWriter target) {
        return new Builder(diskId, source, target);
    }

    public static final class Builder {
        private final String diskId;
        private final DiskReader source;
        private final DiskWriter target;
        private List<Extent> allocation;
        private List<Extent> changedAreas;
        private BlockDigests baseline;
        private CheckpointStore checkpoints;
        private List<BandwidthBudget> budgets;
        private Consumer<TransferProgress> progress;
        private CopyOptions options;
        private Consumer<String> restarted;

        private Builder(String diskId, DiskReader source, DiskWriter target) {
            this.diskId = diskId;
            this.source = source;
            this.target = target;
        }

        public Builder allocation(List<Extent> extents) {
            this.allocation = extents;
            return this;
        }

        public Builder changedAreas(List<Extent> areas, BlockDigests previousTargetDigests) {
            this.changedAreas = areas;
            this.baseline = previousTargetDigests;
            return this;
        }

        public Builder checkpoints(CheckpointStore store) {
            this.checkpoints = store;
            return this;
        }

        public Builder budgets(List<BandwidthBudget> list) {
            this.budgets = list;
            return this;
        }

        public Builder progress(Consumer<TransferProgress> listener) {
            this.progress = listener;
            return this;
        }

        public Builder options(CopyOptions opts) {
            this.options = opts;
            return this;
        }

        /** See {@link CopyRequest#restarted()}. */
        public Builder restarted(Consumer<String> listener) {
            this.restarted = listener;
            return this;
        }

        public CopyRequest build() {
            return new CopyRequest(diskId, source, target, allocation, changedAreas, baseline, checkpoints, budgets,
                    progress, options, restarted);
        }
    }
}
