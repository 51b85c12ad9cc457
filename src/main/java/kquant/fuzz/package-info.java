/**
 * The fuzz suite: seeded mutations of real input files (truncations at every block boundary and
 * at random offsets, bit flips, byte runs set to 0x00 or 0xFF, header edits, JSON values of other
 * types and extreme numbers) run through the commands that read them, with every outcome counted.
 * A run passes with no internal error, no hang, no unclean refusal and no damaged container
 * accepted; a failing case is replayed from its seed and index. Used by {@code kquant bench --fuzz N}
 * and by the tests. It runs commands through a {@link kquant.fuzz.Fuzzer.Runner} it is given, so it
 * depends on no command class.
 */
package kquant.fuzz;
