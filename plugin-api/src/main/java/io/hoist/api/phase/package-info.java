/** Provider-contributed migration phases: {@link io.hoist.api.phase.MigrationPhases} and what it exchanges. */
package io.hoist.api.phase;
