/** vSphere source provider. */
package io.hoist.plugin.vsphere;
