/**
 * The exported C on a target: built with Arm's bare-metal gcc, run on an emulated Cortex-M4
 * (qemu's mps2-an386 board) to check it bit for bit, and its instructions counted exactly.
 */
package kquant.target;
