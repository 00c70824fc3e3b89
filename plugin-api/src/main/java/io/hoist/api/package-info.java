/**
 * Hoist's plugin API: extension points that plugins implement ({@code provider}, {@code source}, {@code phase},
 * {@code destination}, {@code hook}, {@code convert}) and the host services they are handed
 * ({@code host}, {@code transfer}, {@code inventory}). Interfaces, records and enums only.
 */
package io.hoist.api;
