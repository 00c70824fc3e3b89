package io.hoist.api.source;

public enum Firmware { BIOS, EFI }
