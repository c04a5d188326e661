/*
 * future-minor -- refused fixture: the minor probe (minor_probe.c) asking for a minor newer than
 * this header's, whose entry does not check the host's minor (like bad_abi_major.c), so the host
 * must refuse the descriptor itself, naming both versions.
 */
#define PROBE_MINOR (TRIB_ABI_MINOR + 1u)
#define PROBE_ENTRY_MINOR 0u
#include "minor_probe.c"
