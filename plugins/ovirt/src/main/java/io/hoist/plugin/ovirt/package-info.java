/** oVirt / RHV source provider: the PF4J extension, the provider's checked configuration and the source. */
package io.hoist.plugin.ovirt;
